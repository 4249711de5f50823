using System.ComponentModel.DataAnnotations;

namespace KlingFunctions.Pipelines;

/// <summary>Section <c>Pipelines</c>: jobs from a Storage queue.</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipelines";

    public const string DefaultRequestQueue = "video-requests";

    /// <summary>
    /// The queue of start requests. A queue name has 3 to 63 lowercase letters, digits and single hyphens; at most 56
    /// here, so that <see cref="PoisonQueue"/> is a valid name too.
    /// </summary>
    [RegularExpression("^(?!.*--)[a-z0-9][a-z0-9-]{1,54}[a-z0-9]$", ErrorMessage = "Pipelines:RequestQueue must be a queue name of 3 to 56 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.")]
    public string RequestQueue { get; set; } = DefaultRequestQueue;

    /// <summary>The queue service when storage is reached by managed identity; derived from <c>Storage:ServiceUri</c> when not set.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>
    /// Deliveries of a message whose start kept failing (storage or the engine unreachable) before it is moved to the
    /// poison queue. The Functions host has its own setting for this (host.json <c>extensions.queues.maxDequeueCount</c>,
    /// default 5); this one is the DevHost's, with the same default.
    /// </summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Where invalid messages, and messages the DevHost gave up on, are kept: <c>{RequestQueue}-poison</c>, as the Functions host names it.</summary>
    public string PoisonQueue => RequestQueue + "-poison";
}
