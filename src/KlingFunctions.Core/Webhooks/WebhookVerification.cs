namespace KlingFunctions.Webhooks;

/// <summary>Why a webhook delivery was accepted or rejected.</summary>
public enum WebhookVerificationReason
{
    Valid,

    /// <summary><c>webhook-id</c>, <c>webhook-timestamp</c> or <c>webhook-signature</c> is missing or blank.</summary>
    MissingHeaders,

    /// <summary><c>webhook-timestamp</c> is not a whole number of unix seconds.</summary>
    BadTimestamp,

    /// <summary>The timestamp is further from now than the tolerance, in either direction (replay protection).</summary>
    Expired,

    /// <summary>No <c>v1</c> signature in the header matches the body under any reading of the secret.</summary>
    NoMatchingSignature,
}

/// <summary>The result of checking one webhook delivery's signature.</summary>
public readonly record struct WebhookVerification(WebhookVerificationReason Reason)
{
    public bool IsValid => Reason == WebhookVerificationReason.Valid;
}
