namespace KlingFunctions.Freepik;

/// <summary>What a Freepik call came to, in terms a caller can act on.</summary>
public enum FreepikOutcome
{
    /// <summary>2xx: <see cref="FreepikResult.Task"/> is set.</summary>
    Accepted,

    /// <summary>400: the request is wrong; <see cref="FreepikResult.InvalidParams"/> says why. Never retry.</summary>
    Rejected,

    /// <summary>401: the API key is missing or invalid. Never retry.</summary>
    Unauthorized,

    /// <summary>Certainly not done (429, 503, connection refused; 500 or early 404 on GET): safe to try again later.</summary>
    Transient,

    /// <summary>GET only: the task does not exist (404 after the grace period that follows a create).</summary>
    NotFound,

    /// <summary>
    /// Create only: the request may have reached Freepik (timeout, 500, connection reset after sending).
    /// Retrying could pay for a second video, so nobody retries it.
    /// </summary>
    OutcomeUnknown,

    /// <summary>
    /// Create only, and not Freepik's answer: the spend guard refused before anything was sent, because the day's
    /// creates reached <c>Freepik:DailyCreateLimit</c>. Nothing was paid.
    /// </summary>
    DailyLimitReached,
}

/// <summary>One invalid parameter as Freepik reported it.</summary>
public sealed record FreepikInvalidParam(string Name, string Reason);

/// <summary>The result of one Freepik call. Messages never contain the API key.</summary>
public sealed record FreepikResult
{
    public required FreepikOutcome Outcome { get; init; }

    /// <summary>Set when <see cref="Outcome"/> is <see cref="FreepikOutcome.Accepted"/>.</summary>
    public FreepikTask? Task { get; init; }

    /// <summary>HTTP status code, when a response was received.</summary>
    public int? StatusCode { get; init; }

    /// <summary>Freepik's message, or ours when there was no response.</summary>
    public string? Message { get; init; }

    public IReadOnlyList<FreepikInvalidParam> InvalidParams { get; init; } = [];

    /// <summary>From <c>Retry-After</c>, when Freepik sent one (429, 503).</summary>
    public TimeSpan? RetryAfter { get; init; }
}
