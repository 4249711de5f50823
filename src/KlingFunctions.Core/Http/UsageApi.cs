using KlingFunctions.Storage;
using Microsoft.AspNetCore.Http;

namespace KlingFunctions.Http;

/// <summary><c>GET /api/usage</c>: today's Freepik creates (UTC) against the spend guard's <c>Freepik:DailyCreateLimit</c>.</summary>
public sealed class UsageApi(DailyCreates creates)
{
    public async Task<IResult> GetAsync(CancellationToken cancellationToken)
        => TypedResults.Json(UsageView.Of(await creates.ReadAsync(cancellationToken)), ApiJson.Options);
}

/// <summary><c>{"day":"2026-12-04","limit":100,"used":37,"remaining":63,"byModel":{"kling-v2-1-std":30,…}}</c>; <c>limit</c> and <c>remaining</c> are null without a limit.</summary>
public sealed record UsageView(DateOnly Day, int? Limit, int Used, int? Remaining, IReadOnlyDictionary<string, int> ByModel)
{
    public static UsageView Of(DailyUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return new(usage.Day, usage.Limit, usage.Used, usage.Remaining, usage.ByModel);
    }
}
