using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Http;

/// <summary>
/// <c>POST /api/webhooks/freepik/{id}?token=…</c>: raises Freepik's status update to the job.
/// Anonymous because Freepik cannot send a function key; Core checks the per-job token and, when a secret is
/// configured, Freepik's signature before anything is raised.
/// </summary>
public sealed class FreepikWebhook(VideoApi api)
{
    [Function(nameof(FreepikWebhook))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/freepik/{id}")] HttpRequest request,
        string id,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
        => api.ReceiveFreepikWebhookAsync(request, id, new DurableVideoJobClient(client), cancellationToken);
}
