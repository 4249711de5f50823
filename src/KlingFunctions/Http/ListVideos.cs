using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Http;

/// <summary><c>GET /api/videos?status=&amp;top=&amp;continuationToken=</c>: a page of jobs, most recent first.</summary>
public sealed class ListVideos(VideoApi api)
{
    [Function(nameof(ListVideos))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "videos")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => api.ListAsync(request, new DurableVideoJobClient(client), cancellationToken);
}
