using System.Globalization;
using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.Core.Tests.Storage;

/// <summary>The spend guard's count on Azurite: per key and UTC day, once per create, shared by every instance.</summary>
[Collection(UsesAzurite.Name)]
public sealed class DailyCreatesTests(AzuriteFixture azurite)
{
    private readonly string container = $"usage-{Guid.NewGuid():N}"[..30];
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 12, 4, 23, 59, 0, TimeSpan.Zero));

    [Fact]
    public async Task Counts_creates_up_to_the_limit_by_model_then_refuses()
    {
        await using var services = Services(limit: 2);
        var creates = services.GetRequiredService<DailyCreates>();

        var first = await creates.ReserveAsync("a/1", "kling-v2-1-std", CancellationToken.None);
        var second = await creates.ReserveAsync("b/1", "kling-v3-pro", CancellationToken.None);
        var third = await creates.ReserveAsync("c/1", "kling-v3-pro", CancellationToken.None);
        var usage = await creates.ReadAsync(CancellationToken.None);

        Assert.Equal([true, true, false], new[] { first, second, third }.Select(reservation => reservation.Reserved));
        Assert.Equal((new DateOnly(2026, 12, 4), 2, 2, 0), (usage.Day, usage.Limit, usage.Used, usage.Remaining));
        Assert.Equal(new Dictionary<string, int> { ["kling-v2-1-std"] = 1, ["kling-v3-pro"] = 1 }, usage.ByModel);
        Assert.True(usage.Exhausted);
    }

    [Fact]
    public async Task Counting_the_same_create_again_counts_it_once_even_at_the_limit()
    {
        await using var services = Services(limit: 1);
        var creates = services.GetRequiredService<DailyCreates>();

        await creates.ReserveAsync("a/1", "kling-v2-1-std", CancellationToken.None);
        var again = await creates.ReserveAsync("a/1", "kling-v2-1-std", CancellationToken.None);

        Assert.True(again.Reserved);
        Assert.Equal(1, (await creates.ReadAsync(CancellationToken.None)).Used);
    }

    [Fact]
    public async Task A_released_create_no_longer_counts_and_releasing_it_again_changes_nothing()
    {
        await using var services = Services(limit: 1);
        var creates = services.GetRequiredService<DailyCreates>();
        var reservation = await creates.ReserveAsync("a/1", "kling-v2-1-std", CancellationToken.None);

        await creates.ReleaseAsync("a/1", reservation.Usage.Day, CancellationToken.None);
        await creates.ReleaseAsync("a/1", reservation.Usage.Day, CancellationToken.None);

        Assert.True((await creates.ReserveAsync("b/1", "kling-v2-1-std", CancellationToken.None)).Reserved);
    }

    [Fact]
    public async Task The_count_starts_again_at_the_next_UTC_midnight()
    {
        await using var services = Services(limit: 1);
        var creates = services.GetRequiredService<DailyCreates>();
        await creates.ReserveAsync("a/1", "kling-v2-1-std", CancellationToken.None);
        var before = await creates.ReadAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromMinutes(1));
        var after = await creates.ReadAsync(CancellationToken.None);

        Assert.Equal(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero), before.ResetsAt);
        Assert.Equal((new DateOnly(2026, 12, 5), 0, 1), (after.Day, after.Used, after.Remaining));
    }

    [Fact]
    public async Task Without_a_limit_creates_are_counted_and_never_refused()
    {
        await using var services = Services(limit: null);
        var creates = services.GetRequiredService<DailyCreates>();

        foreach (var job in Enumerable.Range(0, 5))
        {
            Assert.True((await creates.ReserveAsync($"{job}/1", "kling-o1-pro", CancellationToken.None)).Reserved);
        }

        var usage = await creates.ReadAsync(CancellationToken.None);
        Assert.Equal((null, 5, null, false), (usage.Limit, usage.Used, usage.Remaining, usage.Exhausted));
    }

    [Fact]
    public async Task Each_API_key_has_a_count_of_its_own()
    {
        await using var first = Services(limit: 1, apiKey: "key-1");
        await using var second = Services(limit: 1, apiKey: "key-2");

        await first.GetRequiredService<DailyCreates>().ReserveAsync("a/1", "kling-v2-1-std", CancellationToken.None);

        Assert.True((await second.GetRequiredService<DailyCreates>().ReserveAsync("b/1", "kling-v2-1-std", CancellationToken.None)).Reserved);
    }

    [Fact]
    public async Task Instances_sharing_the_storage_never_count_more_than_the_limit_between_them()
    {
        // Three instances of the app, each with its own DailyCreates, racing for the same day's creates (on the real
        // clock: an instance that loses a write pauses a moment before it reads again).
        var instances = Enumerable.Range(0, 3).Select(_ => Services(limit: 7, clock: TimeProvider.System)).ToList();
        try
        {
            var reservations = await Task.WhenAll(Enumerable.Range(0, 24).Select(job =>
                instances[job % 3].GetRequiredService<DailyCreates>().ReserveAsync($"job-{job}/1", "kling-v2-1-std", CancellationToken.None)));

            Assert.Equal(7, reservations.Count(reservation => reservation.Reserved));
            Assert.Equal(7, (await instances[0].GetRequiredService<DailyCreates>().ReadAsync(CancellationToken.None)).Used);
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_instance_counts_the_creates_another_instance_counted_since_its_own_last_count()
    {
        await using var first = Services(limit: 2);
        await using var second = Services(limit: 2);
        await first.GetRequiredService<DailyCreates>().ReserveAsync("job-1/1", "kling-v2-1-std", CancellationToken.None);
        await second.GetRequiredService<DailyCreates>().ReserveAsync("job-2/1", "kling-v2-1-std", CancellationToken.None);

        var third = await first.GetRequiredService<DailyCreates>().ReserveAsync("job-3/1", "kling-v2-1-std", CancellationToken.None);

        Assert.Equal((false, 2), (third.Reserved, third.Usage.Used));
    }

    private ServiceProvider Services(int? limit, string apiKey = "key", TimeProvider? clock = null)
        => StagingServices.Create(
            azurite,
            services =>
            {
                services.AddSingleton(clock ?? time);
                services.AddOptions<FreepikOptions>().BindConfiguration(FreepikOptions.SectionName);
                services.AddSingleton<DailyCreates>();
            },
            [("Storage:InputContainer", container), ("Freepik:ApiKey", apiKey), .. limit is { } value ? [("Freepik:DailyCreateLimit", value.ToString(CultureInfo.InvariantCulture))] : Array.Empty<(string, string)>()]);
}
