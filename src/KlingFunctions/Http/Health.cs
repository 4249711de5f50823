using KlingFunctions.Health;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Http;

/// <summary><c>GET /api/health</c>: storage and Durable reachable, and the configuration without secrets.</summary>
public sealed class Health(HealthCheck health)
{
    [Function(nameof(Health))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => health.CheckAsync(client, cancellationToken);
}
