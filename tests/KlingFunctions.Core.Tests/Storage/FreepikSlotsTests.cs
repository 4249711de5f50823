using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.Core.Tests.Storage;

[Collection(UsesAzurite.Name)]
public sealed class FreepikSlotsTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan LongAgo = TimeSpan.FromHours(1);
    private readonly string container = $"slots-{Guid.NewGuid():N}"[..30];
    private readonly DateTimeOffset start = DateTimeOffset.UtcNow;

    [Fact]
    public async Task Grants_up_to_the_limit_then_puts_jobs_in_line_in_order_of_arrival()
    {
        await using var services = Services(limit: 3);
        var slots = services.GetRequiredService<FreepikSlots>();

        List<SlotGrant> grants = [];
        foreach (var job in new[] { "a", "b", "c", "d", "e" })
        {
            grants.Add(await AcquireAsync(slots, job));
        }

        Assert.Equal([true, true, true, false, false], grants.Select(grant => grant.Granted));
        Assert.Equal([1, 2], grants.Skip(3).Select(grant => grant.Ahead));
        Assert.All(grants, grant => Assert.Equal(3, grant.Limit));
    }

    [Fact]
    public async Task A_freed_slot_goes_to_the_earliest_arrival_not_to_the_first_to_ask()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "holder", arrivedAfter: 0);
        await AcquireAsync(slots, "late", arrivedAfter: 20);
        await AcquireAsync(slots, "early", arrivedAfter: 10);

        var woken = await slots.ReleaseAsync(slots.CurrentPool, "holder", CancellationToken.None);

        Assert.Equal(["early"], woken);
        Assert.False((await AcquireAsync(slots, "late", arrivedAfter: 20)).Granted);
        Assert.True((await AcquireAsync(slots, "early", arrivedAfter: 10)).Granted);
    }

    [Fact]
    public async Task Asking_again_while_holding_a_slot_takes_no_second_one()
    {
        await using var services = Services(limit: 2);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "a");

        var again = await AcquireAsync(slots, "a");

        Assert.Equal((true, 1), (again.Granted, again.InUse));
        Assert.True((await AcquireAsync(slots, "b")).Granted);
    }

    [Fact]
    public async Task Giving_back_twice_frees_one_slot_only()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "a");
        await AcquireAsync(slots, "b");
        await slots.ReleaseAsync(slots.CurrentPool, "a", CancellationToken.None);
        await AcquireAsync(slots, "b");

        await slots.ReleaseAsync(slots.CurrentPool, "a", CancellationToken.None);

        Assert.False((await AcquireAsync(slots, "c")).Granted);
    }

    [Fact]
    public async Task A_slot_whose_job_never_gave_it_back_lapses_at_the_job_s_deadline()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        await slots.AcquireAsync("terminated", start, DateTimeOffset.UtcNow.AddMilliseconds(300), LongAgo, CancellationToken.None);
        Assert.False((await AcquireAsync(slots, "next")).Granted);

        await Task.Delay(400);

        Assert.True((await AcquireAsync(slots, "next")).Granted);
    }

    [Fact]
    public async Task A_job_that_stops_asking_leaves_the_line()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "holder");
        await slots.AcquireAsync("gone", start, start + LongAgo, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        await slots.ReleaseAsync(slots.CurrentPool, "holder", CancellationToken.None);

        await Task.Delay(300);

        Assert.True((await AcquireAsync(slots, "later", arrivedAfter: 50)).Granted);
    }

    [Fact]
    public async Task Instances_asking_at_once_never_hold_more_slots_than_the_limit()
    {
        // Three app instances, each with its own clients, sharing the storage account.
        var instances = Enumerable.Range(0, 3).Select(_ => Services(limit: 3)).ToList();
        try
        {
            var grants = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
                AcquireAsync(instances[i % 3].GetRequiredService<FreepikSlots>(), $"job-{i:D2}", arrivedAfter: i)));

            Assert.Equal(3, grants.Count(grant => grant.Granted));
            var slots = instances[0].GetRequiredService<FreepikSlots>();
            var pool = await slots.ReadAsync(slots.CurrentPool, CancellationToken.None);
            Assert.Equal((3, 21), (pool.Holders.Count, pool.Waiters.Count));
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
    public async Task Each_API_key_has_slots_of_its_own()
    {
        await using var first = Services(limit: 1, apiKey: "key-1");
        await using var second = Services(limit: 1, apiKey: "key-2");
        await AcquireAsync(first.GetRequiredService<FreepikSlots>(), "a");

        Assert.True((await AcquireAsync(second.GetRequiredService<FreepikSlots>(), "b")).Granted);
        Assert.False((await AcquireAsync(first.GetRequiredService<FreepikSlots>(), "c")).Granted);
    }

    private Task<SlotGrant> AcquireAsync(FreepikSlots slots, string jobId, int arrivedAfter = 0)
        => slots.AcquireAsync(jobId, start.AddMilliseconds(arrivedAfter), start + LongAgo, LongAgo, CancellationToken.None);

    private ServiceProvider Services(int limit, string apiKey = "key")
        => StagingServices.Create(
            azurite,
            services =>
            {
                services.AddSingleton(TimeProvider.System);
                services.AddOptions<FreepikOptions>().BindConfiguration(FreepikOptions.SectionName);
                services.AddSingleton<FreepikSlots>();
            },
            ("Storage:InputContainer", container),
            ("Freepik:ApiKey", apiKey),
            ("Freepik:MaxConcurrentTasks", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
