using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Http;

/// <summary><c>POST /api/videos</c>: validates, keeps the image as a blob and starts the job.</summary>
public sealed class StartVideo(VideoApi api)
{
    [Function(nameof(StartVideo))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "videos")] HttpRequest request,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => api.StartAsync(request, new DurableVideoJobClient(client, ManagementUrls.Of(client)), cancellationToken);
}
