using System.Globalization;
using Azure.Storage.Blobs;
using KlingFunctions.Freepik;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Storage;

/// <summary>
/// The spend guard's count: every Freepik create of the UTC day, per API key, in one blob per key and day
/// (<c>freepik-usage/{hash of the key}/{yyyy-MM-dd}.json</c> in the inputs container), shared by every instance of the
/// app and kept across restarts. A create is counted before it is sent, under an id of its own (job and attempt), so
/// counting it again (Durable runs an activity at least once) changes nothing; it is uncounted only when Freepik
/// certainly created nothing. Each change is a conditional write (<see cref="ConditionalJsonBlob"/>) on the count as
/// this instance last read or wrote it, done again on a fresh read when another instance wrote first, so two
/// instances cannot both take the day's last create.
/// </summary>
public sealed class DailyCreates(BlobContainers containers, IOptions<FreepikOptions> freepik, TimeProvider time, ILogger<DailyCreates> logger)
{
    private const string Prefix = "freepik-usage/";

    private readonly string pool = ApiKeyPool.Of(freepik.Value.ApiKey);

    private readonly LastVersions versions = new();

    /// <summary><c>Freepik:DailyCreateLimit</c>; null: creates are counted, never refused.</summary>
    public int? Limit => freepik.Value.DailyCreateLimit;

    /// <summary>Today's creates (UTC) against the limit.</summary>
    public async Task<DailyUsage> ReadAsync(CancellationToken cancellationToken)
    {
        var day = Today();
        var (record, _) = await ConditionalJsonBlob.ReadAsync<DayRecord>(await BlobAsync(day, cancellationToken), cancellationToken);
        return Usage(day, record);
    }

    /// <summary>
    /// Counts the create <paramref name="createId"/> of <paramref name="model"/> today, unless today's creates have
    /// reached the limit. A create already counted is counted once.
    /// </summary>
    public async Task<CreateReservation> ReserveAsync(string createId, string model, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(createId);
        var day = Today();
        var reservation = await ChangeAsync(day, record =>
        {
            if (record.Creates.ContainsKey(createId))
            {
                return (false, new CreateReservation(true, Usage(day, record)));
            }

            if (Limit is { } limit && record.Creates.Count >= limit)
            {
                return (false, new CreateReservation(false, Usage(day, record)));
            }

            record.Creates[createId] = model;
            return (true, new CreateReservation(true, Usage(day, record)));
        }, cancellationToken);

        if (!reservation.Reserved)
        {
            logger.LogWarning("Freepik create {CreateId} refused: {Used} of {Limit} creates used on {Day} (Freepik:DailyCreateLimit)", createId, reservation.Usage.Used, reservation.Usage.Limit, day);
        }

        return reservation;
    }

    /// <summary>Uncounts a create Freepik certainly did not make (refused, or never reached); repeating it changes nothing.</summary>
    public Task ReleaseAsync(string createId, DateOnly day, CancellationToken cancellationToken)
        => ChangeAsync(day, record => (record.Creates.Remove(createId), true), cancellationToken);

    /// <summary>When the count starts again: the next UTC midnight after <paramref name="day"/>.</summary>
    public static DateTimeOffset NextDay(DateOnly day) => new(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private DateOnly Today() => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private DailyUsage Usage(DateOnly day, DayRecord record)
        => new(day, Limit, record.Creates.Count, record.Creates.GroupBy(create => create.Value, StringComparer.Ordinal).ToDictionary(group => group.Key, group => group.Count(), StringComparer.Ordinal));

    private async Task<T> ChangeAsync<T>(DateOnly day, Func<DayRecord, (bool Changed, T Result)> change, CancellationToken cancellationToken)
        => await ConditionalJsonBlob.ChangeAsync(await BlobAsync(day, cancellationToken), versions, change, time, cancellationToken);

    private async Task<BlobClient> BlobAsync(DateOnly day, CancellationToken cancellationToken)
        => (await containers.InputsAsync(cancellationToken)).GetBlobClient(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{pool}/{day:yyyy-MM-dd}.json"));

    /// <summary>One key's creates of one day: create id (<c>{jobId}/{attempt}</c>) → model.</summary>
    private sealed record DayRecord
    {
        public Dictionary<string, string> Creates { get; init; } = new(StringComparer.Ordinal);
    }
}

/// <summary>One UTC day's Freepik creates against <c>Freepik:DailyCreateLimit</c>, as <c>GET /api/usage</c> shows them.</summary>
public sealed record DailyUsage(DateOnly Day, int? Limit, int Used, IReadOnlyDictionary<string, int> ByModel)
{
    /// <summary>Null without a limit.</summary>
    public int? Remaining => Limit is { } limit ? Math.Max(0, limit - Used) : null;

    /// <summary>No create is left today.</summary>
    public bool Exhausted => Remaining == 0;

    /// <summary>When the count starts again.</summary>
    public DateTimeOffset ResetsAt => DailyCreates.NextDay(Day);
}

/// <summary>Whether a create was counted (and so may be sent), and the day's usage as it stood.</summary>
public sealed record CreateReservation(bool Reserved, DailyUsage Usage);
