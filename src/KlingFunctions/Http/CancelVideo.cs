using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Http;

/// <summary><c>POST /api/videos/{id}/cancel</c>: stops waiting for the video.</summary>
public sealed class CancelVideo(VideoApi api)
{
    [Function(nameof(CancelVideo))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "videos/{id}/cancel")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => api.CancelAsync(id, new DurableVideoJobClient(client), cancellationToken);
}
