namespace KlingFunctions.Workflow;

/// <summary>
/// The payload of the <c>FreepikTaskUpdate</c> event: one verified webhook delivery.
/// <see cref="DeliveryId"/> is Freepik's <c>webhook-id</c> when signed, so redeliveries can be recognised.
/// </summary>
public sealed record FreepikTaskUpdate(string? DeliveryId, string TaskId, string Status, IReadOnlyList<string> Generated)
{
    public const string EventName = "FreepikTaskUpdate";
}
