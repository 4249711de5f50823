using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Workflow;

/// <summary>Durable Functions' own management URLs for a job, for the start answer's <c>management</c> object.</summary>
internal static class ManagementUrls
{
    /// <summary>
    /// Durable's status, raise-event, terminate, suspend, resume and purge URLs. They come from the [DurableClient]
    /// binding, which knows the app's public base URL and the durabletask extension's key; a client that does not come
    /// from the binding has no base URL: then there are none.
    /// </summary>
    public static Func<string, IReadOnlyDictionary<string, string>?> Of(DurableTaskClient client) => jobId =>
    {
        HttpManagementPayload payload;
        try
        {
            payload = client.CreateHttpManagementPayload(jobId);
        }
        catch (InvalidOperationException)
        {
            return null;
        }

        var urls = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["statusQueryGetUri"] = payload.StatusQueryGetUri,
            ["sendEventPostUri"] = payload.SendEventPostUri,
            ["terminatePostUri"] = payload.TerminatePostUri,
            ["suspendPostUri"] = payload.SuspendPostUri,
            ["resumePostUri"] = payload.ResumePostUri,
            ["purgeHistoryDeleteUri"] = payload.PurgeHistoryDeleteUri,
        };
        return urls.Where(url => !string.IsNullOrEmpty(url.Value)).ToDictionary(url => url.Key, url => url.Value!, StringComparer.Ordinal);
    };
}
