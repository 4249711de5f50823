namespace KlingFunctions.Webhooks;

/// <summary>Section <c>Callbacks</c>: how the POSTs to callers' <c>callback_url</c> are signed.</summary>
public sealed class CallbackOptions
{
    public const string Section = "Callbacks";

    /// <summary>
    /// Signs each callback with Standard Webhooks headers when set: a <c>whsec_…</c> secret, a base64 or hex one, or
    /// any other text (its UTF-8 bytes), read as <c>Freepik:WebhookSecret</c> is. Never logged.
    /// </summary>
    public string? SigningSecret { get; set; }
}
