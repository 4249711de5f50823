using System.Text.Json;
using KlingFunctions.Http;
using KlingFunctions.Storage;
using KlingFunctions.Webhooks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Workflow.Activities;

/// <summary>
/// Step 5: POST the final job view to the caller's <c>callback_url</c>, through the same address guard as image
/// URLs (no loopback, private or link-local targets unless allowed for development). A failed delivery throws so
/// that the durable retry policy tries again; the caller may therefore see a repeat and should deduplicate on the
/// job id. A refused address is final and is not retried.
/// </summary>
public sealed class NotifyCallbackActivity(
    IHttpClientFactory httpClients,
    JobViewFactory views,
    IOptions<CallbackOptions> options,
    TimeProvider time,
    ILogger<NotifyCallbackActivity> logger) : WorkflowActivity<CallbackRequest, bool>
{
    public const string HttpClientName = "callbacks";

    private readonly CallbackSignature? signature = string.IsNullOrEmpty(options.Value.SigningSecret) ? null : new CallbackSignature(options.Value.SigningSecret);

    /// <summary>The <c>webhook-id</c> of a job's callback: the same for every retry of one outcome, so receivers can deduplicate.</summary>
    public static string CallbackId(string jobId, JobStatus status) => JobIds.OutcomeId(jobId, status);

    public override async Task<bool> RunAsync(CallbackRequest input, CancellationToken cancellationToken)
    {
        var view = await views.CreateAsync(input.JobId, input.Result.Status, input.Progress, input.Result, input.CreatedAt, new DateTimeOffset(input.Progress.UpdatedAt, TimeSpan.Zero), cancellationToken);
        using var http = httpClients.CreateClient(HttpClientName);
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(view, ApiJson.Options);
            using var content = JsonBody.Of(body);
            signature?.AddTo(content, CallbackId(input.JobId, input.Result.Status), time.GetUtcNow(), body);
            using var response = await http.PostAsync(new Uri(input.CallbackUrl), content, cancellationToken);
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
