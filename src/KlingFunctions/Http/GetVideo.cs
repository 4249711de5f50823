using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Http;

/// <summary><c>GET /api/videos/{id}</c>: the job view.</summary>
public sealed class GetVideo(VideoApi api)
{
    [Function(nameof(GetVideo))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "videos/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => api.GetAsync(id, new DurableVideoJobClient(client), cancellationToken);
}
