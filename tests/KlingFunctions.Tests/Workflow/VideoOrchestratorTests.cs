using KlingFunctions.Staging;
using KlingFunctions.Workflow;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace KlingFunctions.Tests.Workflow;

public class VideoOrchestratorTests
{
    private static readonly VideoJobInput Input = new()
    {
        JobId = "job-1",
        CreatedAt = new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero),
        Parameters = new VideoParameters { Prompt = "a cat turns its head", Duration = "5" },
        Inputs = new StagingRequest("job-1", new InputReference(BlobName: "job-1/image")),
        Settings = new WorkflowSettings
        {
            FirstPoll = TimeSpan.FromSeconds(15),
            MaxPollInterval = TimeSpan.FromMinutes(2),
            Deadline = TimeSpan.FromHours(1),
            ArchiveVideo = true,
            WebhooksEnabled = false,
        },
    };

    private readonly Mock<TaskOrchestrationContext> durable = new();

    public VideoOrchestratorTests()
    {
        durable.Setup(context => context.GetInput<VideoJobInput>()).Returns(Input);
        durable.SetupGet(context => context.InstanceId).Returns(Input.JobId);
        durable.SetupGet(context => context.CurrentUtcDateTime).Returns(Input.CreatedAt.UtcDateTime);
        durable.Setup(context => context.CreateReplaySafeLogger(It.IsAny<string>())).Returns(NullLogger.Instance);
    }

    [Fact]
    public void Run_stages_the_job_input_first_with_the_idempotent_retry_policy()
    {
        // Arrange: staging never finishes, so the orchestration stops at its first durable action.
        TaskOptions? options = null;
        durable.Setup(context => context.CallActivityAsync<StagingResult>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName _, object? _, TaskOptions? given) => options = given)
            .Returns(new TaskCompletionSource<StagingResult>().Task);

        // Act
        var run = VideoOrchestrator.Run(durable.Object);

        // Assert
        Assert.False(run.IsCompleted);
        durable.Verify(context => context.CallActivityAsync<StagingResult>(new TaskName(WorkflowActivities.StageSourceImage), Input.Inputs, It.IsAny<TaskOptions?>()), Times.Once);
        Assert.Equal(ActivityRetry.Idempotent.MaxAttempts, options?.Retry?.Policy?.MaxNumberOfAttempts);
    }

    [Fact]
    public void Run_reports_its_progress_as_the_custom_status()
    {
        // Arrange
        durable.Setup(context => context.CallActivityAsync<StagingResult>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(new TaskCompletionSource<StagingResult>().Task);

        // Act
        _ = VideoOrchestrator.Run(durable.Object);

        // Assert
        durable.Verify(context => context.SetCustomStatus(It.Is<VideoJobProgress>(progress => progress.Stage == JobStage.Staging)), Times.Once);
    }
}
