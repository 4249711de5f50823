using System.Net.Http.Json;
using KlingFunctions.Http;
using KlingFunctions.Storage;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Workflow.Activities;

/// <summary>
/// Step 5: POST the final job view to the caller's <c>callback_url</c>, through the same address guard as image
/// URLs (no loopback, private or link-local targets unless allowed for development). A failed delivery throws so
/// that the durable retry policy tries again; the caller may therefore see a repeat and should deduplicate on the
/// job id. A refused address is final and is not retried.
/// </summary>
public sealed class NotifyCallbackActivity(IHttpClientFactory httpClients, JobViewFactory views, ILogger<NotifyCallbackActivity> logger)
    : WorkflowActivity<CallbackRequest, bool>
{
    public const string HttpClientName = "callbacks";

    public override async Task<bool> RunAsync(CallbackRequest input, CancellationToken cancellationToken)
    {
        var view = await views.CreateAsync(input.JobId, input.Result.Status, input.Progress, input.Result, input.CreatedAt, new DateTimeOffset(input.Progress.UpdatedAt, TimeSpan.Zero), cancellationToken);
        using var http = httpClients.CreateClient(HttpClientName);
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(input.CallbackUrl), view, ApiJson.Options, cancellationToken);
            logger.LogInformation("Callback for job {JobId} answered {StatusCode}", input.JobId, (int)response.StatusCode);
            response.EnsureSuccessStatusCode();
            return true;
        }
        catch (HttpRequestException exception) when (exception.InnerException is SourceAddressRefusedException refused)
        {
            logger.LogWarning("Callback for job {JobId} not sent: {Reason}", input.JobId, refused.Message);
            return false;
        }
    }
}
