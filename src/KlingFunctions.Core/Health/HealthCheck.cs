using System.Diagnostics;
using Azure.Storage.Blobs;
using KlingFunctions.Freepik;
using KlingFunctions.Http;
using KlingFunctions.Storage;
using KlingFunctions.Webhooks;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Health;

/// <summary>
/// <c>GET /api/health</c> on both hosts: the blob account and the Durable backend each asked one cheap question, and
/// the configuration summarised without secrets. 200 when both answer, 503 otherwise, so a load balancer or an
/// availability test can use it as it is.
/// </summary>
public sealed class HealthCheck(
    BlobServiceClient blobs,
    IOptions<StorageOptions> storage,
    IOptions<FreepikOptions> freepik,
    IOptions<WebhookOptions> webhooks,
    IOptions<WorkflowOptions> workflow,
    IOptions<CallbackOptions> callbacks,
    ILogger<HealthCheck> logger)
{
    /// <summary>Each dependency gets this long; a health check that hangs is no answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>An instance id no job can have (job ids are GUIDs): reading it asks the backend without touching a job.</summary>
    private const string ProbeInstanceId = "health-probe";

    public async Task<IResult> CheckAsync(DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var storageCheck = CheckAsync("storage", async token => await blobs.GetBlobContainerClient(storage.Value.InputContainer).ExistsAsync(token), cancellationToken);
        var durableCheck = CheckAsync("durable", token => durable.GetInstanceAsync(ProbeInstanceId, getInputsAndOutputs: false, token), cancellationToken);
        var checks = new Dictionary<string, DependencyCheck>
        {
            ["storage"] = await storageCheck,
            ["durable"] = await durableCheck,
        };
        var status = checks.Values.All(check => check.Status == HealthStatus.Healthy) ? HealthStatus.Healthy : HealthStatus.Unhealthy;
        var report = new HealthReport(status, checks, Summarise());
        return TypedResults.Json(report, ApiJson.Options, statusCode: status == HealthStatus.Healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    private async Task<DependencyCheck> CheckAsync(string name, Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await probe(timeout.Token);
            return new DependencyCheck(HealthStatus.Healthy, Elapsed(started));
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Health check: {Dependency} is unreachable", name);
            var error = timeout.IsCancellationRequested ? $"No answer within {Timeout.TotalSeconds:0} s." : $"{exception.GetType().Name}: {FirstLine(exception.Message)}";
            return new DependencyCheck(HealthStatus.Unhealthy, Elapsed(started), error);
        }
    }

    private ConfigurationSummary Summarise()
    {
        var freepikOptions = freepik.Value;
        var webhookOptions = webhooks.Value;
        var storageOptions = storage.Value;
        var workflowOptions = workflow.Value;
        return new ConfigurationSummary(
            new FreepikSummary(freepikOptions.BaseUrl.AbsoluteUri, freepikOptions.ApiKeyHeader, !string.IsNullOrWhiteSpace(freepikOptions.ApiKey), !string.IsNullOrWhiteSpace(freepikOptions.WebhookSecret), freepikOptions.DefaultModel, freepikOptions.DailyCreateLimit),
            new WebhookSummary(!string.IsNullOrWhiteSpace(webhookOptions.PublicBaseUrl), NullIfEmpty(webhookOptions.PublicBaseUrl), !string.IsNullOrWhiteSpace(webhookOptions.TokenSecret)),
            new StorageSummary(
                blobs.AccountName,
                // The endpoint only: a client built from a SAS connection string would carry its token in the query.
                blobs.Uri.GetLeftPart(UriPartial.Path),
                string.IsNullOrWhiteSpace(storageOptions.ConnectionString) ? "ManagedIdentity" : "ConnectionString",
                storageOptions.InputContainer,
                storageOptions.OutputContainer,
                storageOptions.SasLifetime),
            new WorkflowSummary(workflowOptions.FirstPoll, workflowOptions.MaxPollInterval, workflowOptions.Deadline, workflowOptions.MaxWaitForSlot, workflowOptions.ArchiveVideo, workflowOptions.MaxSubmitAttempts),
            new CallbackSummary(!string.IsNullOrWhiteSpace(callbacks.Value.SigningSecret)));
    }

    private static double Elapsed(long started) => Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds, 1);

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
