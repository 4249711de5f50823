using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace KlingFunctions.Http;

/// <summary><c>GET /api/usage</c>: today's Freepik creates against <c>Freepik:DailyCreateLimit</c>.</summary>
public sealed class GetUsage(UsageApi usage)
{
    [Function(nameof(GetUsage))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "usage")] HttpRequest request,
        CancellationToken cancellationToken)
        => usage.GetAsync(cancellationToken);
}
