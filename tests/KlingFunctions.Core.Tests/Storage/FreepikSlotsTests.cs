using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.Core.Tests.Storage;

[Collection(UsesAzurite.Name)]
public sealed class FreepikSlotsTests(AzuriteFixture azurite)
{
    private static readonly TimeSpan LongWait = TimeSpan.FromDays(1);
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(30);
    private readonly string container = $"slots-{Guid.NewGuid():N}"[..30];
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Grants_up_to_the_limit_then_puts_jobs_in_line_in_order_of_arrival()
    {
        await using var services = Services(limit: 3);
        var slots = services.GetRequiredService<FreepikSlots>();

        List<SlotGrant> grants = [];
        for (var i = 0; i < 5; i++)
        {
            grants.Add(await AcquireAsync(slots, $"job-{i}", arrivedAfter: i));
        }

        Assert.Equal([true, true, true, false, false], grants.Select(grant => grant.Granted));
        Assert.Equal([0, 1], grants.Skip(3).Select(grant => grant.Ahead));
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

        var woken = await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "holder"), CancellationToken.None);

        Assert.Equal(["early"], woken);
        Assert.False((await AcquireAsync(slots, "late", arrivedAfter: 20)).Granted);
        Assert.True((await AcquireAsync(slots, "early", arrivedAfter: 10)).Granted);
    }

    [Fact]
    public async Task A_woken_job_takes_the_slot_offered_to_it_and_one_woken_without_an_offer_does_not_pass_it()
    {
        await using var services = Services(limit: 1);
        var (slots, early) = await HolderAndEarlyInLineAsync(services);
        var late = await AcquireAsync(slots, "late", arrivedAfter: 20);

        Assert.Equal(["early"], await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "holder"), CancellationToken.None));

        // A stale wake-up (an earlier release's, say) is not an offer: the line decides, and early is ahead.
        var lateAsks = await AcquireAsync(slots, "late", arrivedAfter: 20, joined: late.Joined, woken: true);
        Assert.Equal((false, 1), (lateAsks.Granted, lateAsks.Ahead));
        Assert.True((await AcquireAsync(slots, "early", arrivedAfter: 10, joined: early.Joined, woken: true)).Granted);
        Assert.Equal(["early"], (await slots.ReadAsync(slots.CurrentPool, CancellationToken.None)).Holders.Select(holder => holder.JobId));
    }

    [Fact]
    public async Task A_job_woken_for_a_slot_an_earlier_arrival_took_meanwhile_keeps_its_place_at_the_front()
    {
        await using var services = Services(limit: 1);
        var (slots, early) = await HolderAndEarlyInLineAsync(services);
        await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "holder"), CancellationToken.None);

        // One created before it asks for the first time (its staging took longer) while the slot is free.
        Assert.True((await AcquireAsync(slots, "earlier", arrivedAfter: 5)).Granted);
        var woken = await AcquireAsync(slots, "early", arrivedAfter: 10, joined: early.Joined, woken: true);

        Assert.Equal((false, 0), (woken.Granted, woken.Ahead));
        Assert.Equal(["earlier"], (await slots.ReadAsync(slots.CurrentPool, CancellationToken.None)).Holders.Select(holder => holder.JobId));
        Assert.Equal(["early"], await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "earlier"), CancellationToken.None));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public async Task Asking_again_while_holding_a_slot_takes_no_second_one(int limit)
    {
        await using var services = Services(limit);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "a");

        // The activity's retry after its grant was written: the same first ask, at a limit of 1 with every slot held (by itself).
        var again = await AcquireAsync(slots, "a");

        Assert.Equal((true, 1), (again.Granted, again.InUse));
        var pool = await slots.ReadAsync(slots.CurrentPool, CancellationToken.None);
        Assert.Equal(pool.Joined, pool.Left);
        Assert.Equal(limit > 1, (await AcquireAsync(slots, "b", arrivedAfter: 1)).Granted);
    }

    [Fact]
    public async Task Giving_back_twice_frees_one_slot_only()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "a");
        await AcquireAsync(slots, "b", arrivedAfter: 1);
        await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "a"), CancellationToken.None);
        Assert.True((await AcquireAsync(slots, "b", arrivedAfter: 1)).Granted);

        await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "a"), CancellationToken.None);

        Assert.False((await AcquireAsync(slots, "c", arrivedAfter: 2)).Granted);
    }

    [Fact]
    public async Task A_slot_whose_job_never_gave_it_back_lapses()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "terminated", holdFor: TimeSpan.FromMinutes(5));
        Assert.False((await AcquireAsync(slots, "next", arrivedAfter: 1)).Granted);

        clock.Advance(TimeSpan.FromMinutes(6));

        Assert.True((await AcquireAsync(slots, "next", arrivedAfter: 1)).Granted);
    }

    [Fact]
    public async Task A_job_that_stops_asking_leaves_the_line()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "holder");
        var gone = await AcquireAsync(slots, "gone", arrivedAfter: 1);
        await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "holder"), CancellationToken.None);

        clock.Advance(RecheckSchedule.StaleAfter(gone.AskAgainIn!.Value) + TimeSpan.FromSeconds(1));

        Assert.True((await AcquireAsync(slots, "later", arrivedAfter: 50)).Granted);
    }

    [Fact]
    public async Task A_job_far_back_in_line_is_told_to_ask_again_as_much_less_often_as_there_are_rounds_ahead_and_keeps_its_place_that_long()
    {
        await using var services = Services(limit: 3);
        var slots = services.GetRequiredService<FreepikSlots>();
        for (var i = 0; i < 33; i++)
        {
            await AcquireAsync(slots, $"job-{i:D2}", arrivedAfter: i);
        }

        var far = await AcquireAsync(slots, "far", arrivedAfter: 33);

        // 30 ahead of it, 3 at a time: 11 rounds of the recheck interval; far longer than the front may go without asking.
        Assert.Equal((30, Recheck * 11), (far.Ahead, far.AskAgainIn));
        clock.Advance(far.AskAgainIn!.Value + RecheckSchedule.Margin);
        var again = await AcquireAsync(slots, "far", arrivedAfter: 33, joined: far.Joined, ahead: far.Ahead);
        var pool = await slots.ReadAsync(slots.CurrentPool, CancellationToken.None);
        Assert.Equal(far.Joined, pool.Joined);
        Assert.False(again.Granted);
    }

    [Fact]
    public async Task A_release_wakes_the_next_live_job_not_one_that_ended_in_line()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "holder");
        await AcquireAsync(slots, "ended", arrivedAfter: 1);
        var live = await AcquireAsync(slots, "live", arrivedAfter: 2);
        clock.Advance(RecheckSchedule.StaleAfter(Recheck) + TimeSpan.FromSeconds(1));
        await AcquireAsync(slots, "live", arrivedAfter: 2, joined: live.Joined, ahead: live.Ahead);

        var woken = await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "holder"), CancellationToken.None);

        Assert.Equal(["live"], woken);
    }

    [Fact]
    public async Task A_job_granted_a_moment_ago_and_still_listed_in_line_is_not_ahead_of_the_next_one_nor_woken()
    {
        await using var services = Services(limit: 2);
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "holder");
        await AcquireAsync(slots, "granted", arrivedAfter: 1);

        // As another instance sees the line between the grant of "granted" and the removal of its blob.
        var inputs = await services.GetRequiredService<BlobContainers>().InputsAsync(CancellationToken.None);
        await new SlotWaiters(inputs, slots.CurrentPool, NullLogger.Instance)
            .JoinAsync(new SlotWaiter("granted", clock.Start.AddMilliseconds(1), 2, clock.Start + LongWait, clock.Start + LongWait), CancellationToken.None);
        await AcquireAsync(slots, "next", arrivedAfter: 2);

        var woken = await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "holder"), CancellationToken.None);

        Assert.Equal(["next"], woken);
        Assert.True((await AcquireAsync(slots, "next", arrivedAfter: 2)).Granted);
    }

    [Fact]
    public async Task A_job_that_gives_its_slot_back_after_a_429_keeps_its_place_ahead_of_later_arrivals()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        var first = await AcquireAsync(slots, "refused");
        await AcquireAsync(slots, "later", arrivedAfter: 10);
        await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "refused", clock.Start), CancellationToken.None);

        var again = await AcquireAsync(slots, "refused", joined: first.Joined);

        Assert.True(again.Granted);
        Assert.False((await AcquireAsync(slots, "later", arrivedAfter: 10)).Granted);
    }

    [Fact]
    public async Task A_job_far_back_in_a_line_longer_than_one_look_at_its_front_is_told_how_many_are_ahead()
    {
        await using var services = Services(limit: 1);
        var slots = services.GetRequiredService<FreepikSlots>();
        const int Waiting = 45;
        SlotGrant? last = null;
        for (var i = 0; i <= Waiting; i++)
        {
            last = await AcquireAsync(slots, $"job-{i:D2}", arrivedAfter: i);
        }

        await slots.ReleaseAsync(new SlotRelease(slots.CurrentPool, "job-00"), CancellationToken.None);
        Assert.True((await AcquireAsync(slots, "job-01", arrivedAfter: 1)).Granted);
        var later = await AcquireAsync(slots, $"job-{Waiting:D2}", arrivedAfter: Waiting, joined: last!.Joined);

        Assert.Equal((Waiting - 1, Waiting - 2), (last.Ahead, later.Ahead));
    }

    [Fact]
    public async Task Instances_asking_at_once_never_hold_more_slots_than_the_limit()
    {
        // Three app instances, each with its own clients, sharing the storage account.
        var instances = Enumerable.Range(0, 3).Select(_ => Services(limit: 3, time: TimeProvider.System)).ToList();
        try
        {
            Task<SlotGrant[]> AskAsync(long? joined) => Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
                AcquireAsync(instances[i % 3].GetRequiredService<FreepikSlots>(), $"job-{i:D2}", arrivedAfter: i, joined: joined)));

            // Each decides on the front of the line as it saw it; the holders' blob keeps the count within the limit.
            var first = await AskAsync(joined: null);
            var again = await AskAsync(joined: 1);

            Assert.InRange(first.Count(grant => grant.Granted), 1, 3);
            Assert.Equal(3, again.Count(grant => grant.Granted));
            var slots = instances[0].GetRequiredService<FreepikSlots>();
            var pool = await slots.ReadAsync(slots.CurrentPool, CancellationToken.None);
            Assert.Equal(3, pool.Holders.Count);
            Assert.Equal(21, pool.Joined - pool.Left);
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
    public async Task An_instance_sees_the_slots_another_instance_took_or_gave_back_since_its_own_last_change()
    {
        // Two app instances in turn: each starts its next change from the head as it last wrote it.
        await using var first = Services(limit: 2);
        await using var second = Services(limit: 2);
        var one = first.GetRequiredService<FreepikSlots>();
        var two = second.GetRequiredService<FreepikSlots>();
        await AcquireAsync(one, "a", arrivedAfter: 0);
        await AcquireAsync(two, "b", arrivedAfter: 1);

        // Taken by the other: not free here.
        var c = await AcquireAsync(one, "c", arrivedAfter: 2);
        Assert.Equal((false, 2), (c.Granted, c.InUse));

        // Given back by the other: free here at once, not after a recheck.
        await two.ReleaseAsync(new SlotRelease(two.CurrentPool, "b"), CancellationToken.None);
        Assert.True((await AcquireAsync(one, "c", arrivedAfter: 2, joined: c.Joined)).Granted);
        Assert.Equal(["a", "c"], (await two.ReadAsync(two.CurrentPool, CancellationToken.None)).Holders.Select(holder => holder.JobId));
    }

    [Fact]
    public async Task Each_API_key_has_slots_of_its_own()
    {
        await using var first = Services(limit: 1, apiKey: "key-1");
        await using var second = Services(limit: 1, apiKey: "key-2");
        await AcquireAsync(first.GetRequiredService<FreepikSlots>(), "a");

        Assert.True((await AcquireAsync(second.GetRequiredService<FreepikSlots>(), "b", arrivedAfter: 1)).Granted);
        Assert.False((await AcquireAsync(first.GetRequiredService<FreepikSlots>(), "c", arrivedAfter: 2)).Granted);
    }

    /// <summary>At a limit of 1: "holder" holds the slot and "early" waits in line.</summary>
    private async Task<(FreepikSlots Slots, SlotGrant Early)> HolderAndEarlyInLineAsync(ServiceProvider services)
    {
        var slots = services.GetRequiredService<FreepikSlots>();
        await AcquireAsync(slots, "holder", arrivedAfter: 0);
        return (slots, await AcquireAsync(slots, "early", arrivedAfter: 10));
    }

    private Task<SlotGrant> AcquireAsync(FreepikSlots slots, string jobId, int arrivedAfter = 0, long? joined = null, int? ahead = null, TimeSpan? holdFor = null, bool woken = false)
        => slots.AcquireAsync(
            new SlotRequest(jobId, Pool: null, clock.Start.AddMilliseconds(arrivedAfter), joined, ahead, Recheck, clock.Start + LongWait, holdFor ?? LongWait, woken),
            CancellationToken.None);

    private ServiceProvider Services(int limit, string apiKey = "key", TimeProvider? time = null)
        => StagingServices.Create(
            azurite,
            services =>
            {
                services.AddSingleton(time ?? clock);
                services.AddOptions<FreepikOptions>().BindConfiguration(FreepikOptions.SectionName);
                services.AddSingleton<FreepikSlots>();
            },
            ("Storage:InputContainer", container),
            ("Freepik:ApiKey", apiKey),
            ("Freepik:MaxConcurrentTasks", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}
