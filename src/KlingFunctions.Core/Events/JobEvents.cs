using Azure;
using Azure.Identity;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using KlingFunctions.Http;
using KlingFunctions.Workflow;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Events;

/// <summary>
/// Completion events: a CloudEvents 1.0 event per job outcome to the Event Grid topic <c>Events:TopicEndpoint</c>,
/// typed <c>KlingFunctions.VideoJob.{Completed|Failed|Canceled|TimedOut}</c>, subject <c>videos/{id}</c>, with an id
/// that is the same for every retry of one outcome (subscribers deduplicate on it), and the job view as data, without
/// the read link to our video copy: events travel further than the API's answers, and the link is a SAS token.
/// </summary>
public sealed class JobEvents(IOptions<EventOptions> options, ILogger<JobEvents> logger)
{
    public const string TypePrefix = "KlingFunctions.VideoJob.";

    private readonly EventGridPublisherClient? client = CreateClient(options.Value);
    private readonly string source = options.Value.Source ?? EventOptions.DefaultSource;

    /// <summary>Whether events are sent at all (<c>Events:TopicEndpoint</c> is set).</summary>
    public bool Enabled => client is not null;

    public static string TypeOf(JobStatus status) => TypePrefix + status;

    /// <summary>Sends the event of <paramref name="view"/>'s outcome; throws when the topic refuses it or cannot be reached.</summary>
    /// <returns>False when events are off.</returns>
    public async Task<bool> PublishAsync(JobView view, CancellationToken cancellationToken)
    {
        if (client is null)
        {
            return false;
        }

        var data = view with { Video = view.Video is { } video ? video with { Url = null } : null, Management = null };
        var cloudEvent = new CloudEvent(source, TypeOf(view.Status), BinaryData.FromObjectAsJson(data, ApiJson.Options), "application/json", CloudEventDataFormat.Json)
        {
            Id = JobIds.OutcomeId(view.Id, view.Status),
            Subject = $"videos/{view.Id}",
            Time = view.UpdatedAt,
        };
        await client.SendEventAsync(cloudEvent, cancellationToken);
        logger.LogInformation("Event {EventType} for job {JobId} sent", cloudEvent.Type, view.Id);
        return true;
    }

    private static EventGridPublisherClient? CreateClient(EventOptions options) => options.TopicEndpoint switch
    {
        null => null,
        var endpoint when !string.IsNullOrEmpty(options.TopicKey) => new EventGridPublisherClient(endpoint, new AzureKeyCredential(options.TopicKey)),

        // AZURE_CLIENT_ID (set by Bicep) picks the app's user-assigned identity, as for storage and Key Vault.
        var endpoint => new EventGridPublisherClient(endpoint, new DefaultAzureCredential()),
    };
}
