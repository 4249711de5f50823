using DurableTask.Core.Exceptions;
using Grpc.Core;
using KlingFunctions.Staging;
using KlingFunctions.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Converters;
using Moq;

namespace KlingFunctions.Core.Tests.Workflow;

/// <summary>The one client adapter both hosts use, against a mocked <see cref="DurableTaskClient"/>: what it asks Durable and how it reads the answers.</summary>
public sealed class DurableVideoJobClientTests
{
    private const string JobId = "job-1";

    private static readonly DateTimeOffset CreatedAt = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly VideoJobInput Input = new()
    {
        JobId = JobId,
        CreatedAt = CreatedAt,
        Parameters = new VideoParameters { Prompt = "a cat turns its head" },
        Inputs = new StagingRequest(JobId, new InputReference(BlobName: "job-1/image")),
        Settings = new WorkflowSettings
        {
            FirstPoll = TimeSpan.FromSeconds(15),
            MaxPollInterval = TimeSpan.FromMinutes(2),
            Deadline = TimeSpan.FromHours(1),
            ArchiveVideo = true,
            WebhooksEnabled = true,
        },
    };

    private static readonly FreepikTaskUpdate Update = new("delivery-1", "task-1", "COMPLETED", ["https://cdn.example/video.mp4"]);

    private readonly Mock<DurableTaskClient> durable = new("test client");

    private DurableVideoJobClient Jobs => new(durable.Object);

    [Fact]
    public async Task StartAsync_schedules_the_orchestration_with_the_job_id_and_asks_Durable_to_refuse_any_existing_instance()
    {
        // Arrange
        durable.Setup(client => client.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(JobId);

        // Act
        var started = await Jobs.StartAsync(JobId, Input, CancellationToken.None);

        // Assert: whatever state an instance with this id is in, the backend itself refuses the start.
        Assert.True(started);
        durable.Verify(client => client.ScheduleNewOrchestrationInstanceAsync(
            new TaskName(VideoOrchestration.Name),
            Input,
            It.Is<StartOrchestrationOptions?>(options => options != null && options.InstanceId == JobId
                && StartOrchestrationOptionsExtensions.ValidDedupeStatuses.All(status => options.DedupeStatuses!.Contains(status.ToString()))),
            It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task StartAsync_returns_false_when_the_job_already_exists()
    {
        // Arrange
        durable.Setup(client => client.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new OrchestrationAlreadyExistsException($"An Orchestration instance with the ID {JobId} already exists."));

        // Act
        var started = await Jobs.StartAsync(JobId, Input, CancellationToken.None);

        // Assert
        Assert.False(started);
    }

    [Fact]
    public async Task GetAsync_returns_null_for_an_unknown_job()
    {
        Assert.Null(await Jobs.GetAsync(JobId, CancellationToken.None));
    }

    [Fact]
    public async Task GetAsync_reads_status_times_progress_and_result_of_a_completed_job()
    {
        // Arrange
        var progress = new VideoJobProgress { Stage = JobStage.Done, FreepikTaskId = "task-1", FreepikStatus = "COMPLETED", Polls = 2, Webhooks = 1 };
        var result = new VideoJobResult { Status = JobStatus.Completed, VideoUrls = ["https://cdn.example/video.mp4"] };
        SetupInstance(OrchestrationRuntimeStatus.Completed, getInputsAndOutputs: true, progress, result);

        // Act
        var snapshot = await Jobs.GetAsync(JobId, CancellationToken.None);

        // Assert
        Assert.NotNull(snapshot);
        Assert.Equal(JobId, snapshot.JobId);
        Assert.Equal(JobRuntimeStatus.Completed, snapshot.RuntimeStatus);
        Assert.Equal(CreatedAt, snapshot.CreatedAt);
        Assert.Equal(CreatedAt.AddMinutes(5), snapshot.LastUpdatedAt);
        Assert.Equal(progress, snapshot.Progress);
        Assert.Equal(JobStatus.Completed, snapshot.Result?.Status);
        Assert.Equal(result.VideoUrls, snapshot.Result?.VideoUrls);
    }

    [Fact]
    public async Task GetAsync_does_not_read_a_terminated_jobs_output_as_a_result()
    {
        // Arrange: a terminated instance's output is the termination reason.
        SetupInstance(OrchestrationRuntimeStatus.Terminated, getInputsAndOutputs: true, serializedOutput: "\"Canceled by the caller.\"");

        // Act
        var snapshot = await Jobs.GetAsync(JobId, CancellationToken.None);

        // Assert
        Assert.Equal(JobRuntimeStatus.Terminated, snapshot?.RuntimeStatus);
        Assert.Null(snapshot?.Result);
    }

    [Fact]
    public async Task GetAsync_reports_the_failure_message_of_a_failed_job()
    {
        // Arrange
        SetupInstance(OrchestrationRuntimeStatus.Failed, getInputsAndOutputs: true, failure: new TaskFailureDetails("InvalidOperationException", "boom", null, null, null));

        // Act
        var snapshot = await Jobs.GetAsync(JobId, CancellationToken.None);

        // Assert
        Assert.Equal(JobRuntimeStatus.Failed, snapshot?.RuntimeStatus);
        Assert.Equal("boom", snapshot?.FailureMessage);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Pending, JobRuntimeStatus.Pending)]
    [InlineData(OrchestrationRuntimeStatus.Running, JobRuntimeStatus.Running)]
    [InlineData(OrchestrationRuntimeStatus.Suspended, JobRuntimeStatus.Running)]
    [InlineData(OrchestrationRuntimeStatus.Completed, JobRuntimeStatus.Completed)]
    [InlineData(OrchestrationRuntimeStatus.Failed, JobRuntimeStatus.Failed)]
    [InlineData(OrchestrationRuntimeStatus.Terminated, JobRuntimeStatus.Terminated)]
    public void Durable_runtime_statuses_map_to_job_runtime_statuses(OrchestrationRuntimeStatus durableStatus, JobRuntimeStatus expected)
    {
        Assert.Equal(expected, DurableVideoJobClient.ToJobRuntimeStatus(durableStatus));
    }

    [Fact]
    public async Task RaiseUpdateAsync_raises_the_event_to_a_running_job()
    {
        // Arrange
        SetupInstance(OrchestrationRuntimeStatus.Running, getInputsAndOutputs: true);

        // Act
        var outcome = (await Jobs.RaiseUpdateAsync(JobId, Update, CancellationToken.None)).Outcome;

        // Assert
        Assert.Equal(RaiseEventOutcome.Raised, outcome);
        durable.Verify(client => client.RaiseEventAsync(JobId, FreepikTaskUpdate.EventName, Update, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task RaiseUpdateAsync_returns_not_found_and_raises_nothing_for_an_unknown_job()
    {
        // Act
        var outcome = (await Jobs.RaiseUpdateAsync(JobId, Update, CancellationToken.None)).Outcome;

        // Assert
        Assert.Equal(RaiseEventOutcome.NotFound, outcome);
        durable.Verify(client => client.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RaiseUpdateAsync_returns_not_running_and_raises_nothing_for_a_finished_job()
    {
        // Arrange
        SetupInstance(OrchestrationRuntimeStatus.Completed, getInputsAndOutputs: true);

        // Act
        var outcome = (await Jobs.RaiseUpdateAsync(JobId, Update, CancellationToken.None)).Outcome;

        // Assert
        Assert.Equal(RaiseEventOutcome.NotRunning, outcome);
        durable.Verify(client => client.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public async Task RaiseUpdateAsync_does_not_wake_a_job_that_is_already_past_the_update()
    {
        // Arrange: the job already reports the task IN_PROGRESS; a redelivered IN_PROGRESS changes nothing there.
        SetupInstance(OrchestrationRuntimeStatus.Running, getInputsAndOutputs: true, new VideoJobProgress { Stage = JobStage.Generating, FreepikTaskId = "task-1", FreepikStatus = "IN_PROGRESS" });

        // Act
        var outcome = (await Jobs.RaiseUpdateAsync(JobId, Update with { Status = "IN_PROGRESS" }, CancellationToken.None)).Outcome;

        // Assert
        Assert.Equal(RaiseEventOutcome.Unchanged, outcome);
        durable.Verify(client => client.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(StatusCode.NotFound, RaiseEventOutcome.NotFound)]
    [InlineData(StatusCode.FailedPrecondition, RaiseEventOutcome.NotRunning)]
    public async Task RaiseUpdateAsync_maps_the_hosts_status_exception_when_the_job_changed_after_the_check(StatusCode hostStatus, RaiseEventOutcome expected)
    {
        // Arrange: what the host throws with throwStatusExceptionsOnRaiseEvent when the instance is gone or finished.
        SetupInstance(OrchestrationRuntimeStatus.Running, getInputsAndOutputs: true);
        durable.Setup(client => client.RaiseEventAsync(JobId, FreepikTaskUpdate.EventName, Update, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RpcException(new Status(hostStatus, "The orchestration instance with the provided instance id is not running.")));

        // Act
        var outcome = (await Jobs.RaiseUpdateAsync(JobId, Update, CancellationToken.None)).Outcome;

        // Assert
        Assert.Equal(expected, outcome);
    }

    [Fact]
    public async Task RaiseUpdateAsync_lets_other_host_failures_through()
    {
        // Arrange
        SetupInstance(OrchestrationRuntimeStatus.Running, getInputsAndOutputs: true);
        durable.Setup(client => client.RaiseEventAsync(JobId, FreepikTaskUpdate.EventName, Update, It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "host restarting")));

        // Act and Assert
        await Assert.ThrowsAsync<RpcException>(() => Jobs.RaiseUpdateAsync(JobId, Update, CancellationToken.None));
    }

    [Fact]
    public async Task RequestCancelAsync_raises_the_cancel_request_with_its_reason()
    {
        // Act
        var outcome = (await Jobs.RequestCancelAsync(JobId, "Canceled by the caller.", CancellationToken.None)).Outcome;

        // Assert
        Assert.Equal(RaiseEventOutcome.Raised, outcome);
        durable.Verify(client => client.RaiseEventAsync(JobId, VideoOrchestration.CancelRequestedEventName, "Canceled by the caller.", It.IsAny<CancellationToken>()), Times.Once);
        durable.Verify(client => client.TerminateInstanceAsync(It.IsAny<string>(), It.IsAny<TerminateInstanceOptions?>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Theory]
    [InlineData(StatusCode.NotFound)]
    [InlineData(StatusCode.FailedPrecondition)]
    public async Task RequestCancelAsync_reads_the_job_again_when_the_host_says_it_ended_after_the_check(StatusCode hostStatus)
    {
        // Arrange: the job completed between the caller's read and the raise; the host refuses the event.
        SetupInstance(OrchestrationRuntimeStatus.Completed, getInputsAndOutputs: true, result: new VideoJobResult { Status = JobStatus.Completed });
        durable.Setup(client => client.RaiseEventAsync(JobId, VideoOrchestration.CancelRequestedEventName, It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RpcException(new Status(hostStatus, "The orchestration instance with the provided instance id is not running.")));

        // Act
        var raised = await Jobs.RequestCancelAsync(JobId, "Canceled by the caller.", CancellationToken.None);

        // Assert
        Assert.Equal(RaiseEventOutcome.NotRunning, raised.Outcome);
        Assert.Equal(JobRuntimeStatus.Completed, raised.Job?.RuntimeStatus);
        Assert.Equal(JobStatus.Completed, raised.Job?.Result?.Status);
    }

    [Fact]
    public async Task RequestCancelAsync_returns_not_found_when_the_job_was_purged_after_the_check()
    {
        // Arrange: no instance to read again.
        durable.Setup(client => client.RaiseEventAsync(JobId, VideoOrchestration.CancelRequestedEventName, It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RpcException(new Status(StatusCode.NotFound, "No such instance.")));

        // Act
        var raised = await Jobs.RequestCancelAsync(JobId, "Canceled by the caller.", CancellationToken.None);

        // Assert
        Assert.Equal((RaiseEventOutcome.NotFound, (VideoJobSnapshot?)null), (raised.Outcome, raised.Job));
    }

    [Fact]
    public async Task RequestCancelAsync_lets_other_host_failures_through()
    {
        // Arrange
        durable.Setup(client => client.RaiseEventAsync(JobId, VideoOrchestration.CancelRequestedEventName, It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new RpcException(new Status(StatusCode.Unavailable, "host restarting")));

        // Act and Assert
        await Assert.ThrowsAsync<RpcException>(() => Jobs.RequestCancelAsync(JobId, "Canceled by the caller.", CancellationToken.None));
    }

    [Fact]
    public void ManagementUrls_are_the_hosts_own_and_none_where_the_host_has_none()
    {
        var urls = new Dictionary<string, string>(StringComparer.Ordinal) { ["statusQueryGetUri"] = "https://app.example/runtime/webhooks/durabletask/instances/job-1" };

        Assert.Equal(urls, new DurableVideoJobClient(durable.Object, _ => urls).ManagementUrls(JobId));
        Assert.Null(Jobs.ManagementUrls(JobId));
    }

    private void SetupInstance(
        OrchestrationRuntimeStatus status,
        bool getInputsAndOutputs,
        VideoJobProgress? progress = null,
        VideoJobResult? result = null,
        string? serializedOutput = null,
        TaskFailureDetails? failure = null)
    {
        var converter = JsonDataConverter.Default;
        var metadata = new OrchestrationMetadata(VideoOrchestration.Name, JobId)
        {
            RuntimeStatus = status,
            CreatedAt = CreatedAt,
            LastUpdatedAt = CreatedAt.AddMinutes(5),
            // The real client sets a converter only when inputs and outputs were asked for.
            DataConverter = getInputsAndOutputs ? converter : null,
            SerializedCustomStatus = converter.Serialize(progress),
            SerializedOutput = serializedOutput ?? converter.Serialize(result),
            FailureDetails = failure,
        };
        durable.Setup(client => client.GetInstanceAsync(JobId, getInputsAndOutputs, It.IsAny<CancellationToken>()))
            .ReturnsAsync(metadata);
    }
}
