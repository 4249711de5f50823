namespace KlingFunctions.Events;

/// <summary>Section <c>Events</c>: the Event Grid topic that receives a CloudEvent for every finished job.</summary>
public sealed class EventOptions
{
    public const string Section = "Events";

    /// <summary>The topic's endpoint (<c>https://{topic}.{region}-1.eventgrid.azure.net/api/events</c>); unset: no events.</summary>
    public Uri? TopicEndpoint { get; set; }

    /// <summary>An access key of the topic, for local or key-based use; unset: the app's identity (<c>DefaultAzureCredential</c>). Never logged.</summary>
    public string? TopicKey { get; set; }

    /// <summary>The events' <c>source</c>; default <c>https://{WEBSITE_HOSTNAME}</c> in Azure, else <see cref="DefaultSource"/>.</summary>
    public string? Source { get; set; }

    public const string DefaultSource = "urn:klingfunctions";
}
