using KlingFunctions.Core.Tests.Fixtures;
using KlingFunctions.Freepik;
using KlingFunctions.Storage;
using KlingFunctions.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.Core.Tests.Storage;

[Collection(UsesAzurite.Name)]
public sealed class SubmitLedgerTests(AzuriteFixture azurite)
{
    private readonly string jobId = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task The_first_run_of_an_attempt_holds_the_claim()
    {
        await using var services = Services();

        Assert.Null(await services.GetRequiredService<SubmitLedger>().ClaimAsync(jobId, 1, "run-a", CancellationToken.None));
    }

    [Fact]
    public async Task A_rerun_after_an_interrupted_attempt_is_told_the_outcome_is_unknown_instead_of_sending_again()
    {
        await using var services = Services();
        var ledger = services.GetRequiredService<SubmitLedger>();
        await ledger.ClaimAsync(jobId, 1, "run-a", CancellationToken.None);

        var rerun = await ledger.ClaimAsync(jobId, 1, "run-b", CancellationToken.None);

        Assert.Equal(FreepikOutcome.OutcomeUnknown, rerun?.Outcome);
    }

    [Fact]
    public async Task A_rerun_after_a_recorded_attempt_gets_the_recorded_task()
    {
        await using var services = Services();
        var ledger = services.GetRequiredService<SubmitLedger>();
        var accepted = new FreepikResult { Outcome = FreepikOutcome.Accepted, StatusCode = 200, Task = new FreepikTask("task-7", FreepikTaskStatus.Created, []) };
        await ledger.ClaimAsync(jobId, 1, "run-a", CancellationToken.None);
        await ledger.RecordAsync(jobId, 1, "run-a", accepted, CancellationToken.None);

        var rerun = await ledger.ClaimAsync(jobId, 1, "run-b", CancellationToken.None);

        Assert.Equal((FreepikOutcome.Accepted, "task-7", FreepikTaskStatus.Created), (rerun!.Outcome, rerun.Task!.TaskId, rerun.Task.Status));
    }

    [Fact]
    public async Task Each_attempt_has_a_claim_of_its_own()
    {
        await using var services = Services();
        var ledger = services.GetRequiredService<SubmitLedger>();
        await ledger.ClaimAsync(jobId, 1, "run-a", CancellationToken.None);

        Assert.Null(await ledger.ClaimAsync(jobId, 2, "run-b", CancellationToken.None));
    }

    [Fact]
    public async Task A_run_that_finds_its_own_claim_holds_it()
    {
        // What the storage client's retry of a claim write whose answer was lost sees: its own earlier write.
        await using var services = Services();
        var ledger = services.GetRequiredService<SubmitLedger>();
        await ledger.ClaimAsync(jobId, 1, "run-a", CancellationToken.None);

        Assert.Null(await ledger.ClaimAsync(jobId, 1, "run-a", CancellationToken.None));
    }

    private ServiceProvider Services() => StagingServices.Create(azurite, services => services.AddSingleton<SubmitLedger>());
}
