using KlingFunctions.Workflow;

namespace KlingFunctions.Core.Tests.Workflow;

public sealed class FreepikTaskUpdateTests
{
    private static readonly VideoJobProgress InProgress = new() { Stage = JobStage.Generating, FreepikTaskId = "task-1", FreepikStatus = "IN_PROGRESS" };

    [Theory]
    [InlineData("COMPLETED")]
    [InlineData("FAILED")]
    public void A_terminal_status_for_the_jobs_task_always_reaches_the_job(string status)
        => Assert.True(Update(status).CanChange(InProgress));

    [Fact]
    public void A_later_status_reaches_the_job()
        => Assert.True(Update("IN_PROGRESS").CanChange(InProgress with { FreepikStatus = "CREATED" }));

    [Theory]
    [InlineData("IN_PROGRESS")]
    [InlineData("CREATED")]
    [InlineData("QUEUED_SOMEWHERE")]
    public void A_repeated_or_stale_status_does_not(string status)
        => Assert.False(Update(status).CanChange(InProgress));

    [Fact]
    public void An_update_for_another_task_does_not()
        => Assert.False((Update("COMPLETED") with { TaskId = "task-2" }).CanChange(InProgress));

    [Fact]
    public void A_job_without_a_task_yet_takes_every_update()
    {
        Assert.True(Update("CREATED").CanChange(null));
        Assert.True(Update("CREATED").CanChange(new VideoJobProgress { Stage = JobStage.Submitting }));
    }

    private static FreepikTaskUpdate Update(string status) => new("d1", "task-1", status, []);
}
