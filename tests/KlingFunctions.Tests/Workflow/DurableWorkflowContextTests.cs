using KlingFunctions.Workflow;
using Microsoft.DurableTask;
using Moq;

namespace KlingFunctions.Tests.Workflow;

public class DurableWorkflowContextTests
{
    private readonly Mock<TaskOrchestrationContext> durable = new();

    [Fact]
    public async Task CallActivityAsync_maps_the_retry_to_a_durable_retry_policy()
    {
        // Arrange
        TaskOptions? options = null;
        durable.Setup(context => context.CallActivityAsync<string>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Callback((TaskName _, object? _, TaskOptions? given) => options = given)
            .ReturnsAsync("done");
        var retry = new ActivityRetry(4, TimeSpan.FromSeconds(3), 1.5, TimeSpan.FromMinutes(1));

        // Act
        await new DurableWorkflowContext(durable.Object).CallActivityAsync<string>("Activity", "input", retry);

        // Assert
        var policy = options?.Retry?.Policy;
        Assert.NotNull(policy);
        Assert.Equal(4, policy.MaxNumberOfAttempts);
        Assert.Equal(TimeSpan.FromSeconds(3), policy.FirstRetryInterval);
        Assert.Equal(1.5, policy.BackoffCoefficient);
        Assert.Equal(TimeSpan.FromMinutes(1), policy.MaxRetryInterval);
    }

    [Fact]
    public async Task CallActivityAsync_without_a_retry_calls_the_activity_once_by_name_and_input()
    {
        // Arrange
        durable.Setup(context => context.CallActivityAsync<string>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ReturnsAsync("done");

        // Act
        var result = await new DurableWorkflowContext(durable.Object).CallActivityAsync<string>("Activity", "input");

        // Assert
        Assert.Equal("done", result);
        durable.Verify(context => context.CallActivityAsync<string>(new TaskName("Activity"), "input", null), Times.Once);
    }

    [Fact]
    public void WaitForExternalEvent_waits_without_a_cancellation_token()
    {
        // Arrange
        var pending = new TaskCompletionSource<FreepikTaskUpdate>();
        durable.Setup(context => context.WaitForExternalEvent<FreepikTaskUpdate>(FreepikTaskUpdate.EventName, It.IsAny<CancellationToken>()))
            .Returns(pending.Task);

        // Act
        var waiter = new DurableWorkflowContext(durable.Object).WaitForExternalEvent<FreepikTaskUpdate>(FreepikTaskUpdate.EventName);

        // Assert
        Assert.Same(pending.Task, waiter);
        durable.Verify(context => context.WaitForExternalEvent<FreepikTaskUpdate>(FreepikTaskUpdate.EventName, CancellationToken.None), Times.Once);
    }

    [Fact]
    public void CreateTimer_hands_the_cancellation_token_to_the_durable_timer()
    {
        // Arrange
        var fireAt = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        using var cancellation = new CancellationTokenSource();
        durable.Setup(context => context.CreateTimer(fireAt, cancellation.Token)).Returns(Task.CompletedTask);

        // Act
        var timer = new DurableWorkflowContext(durable.Object).CreateTimer(fireAt, cancellation.Token);

        // Assert
        Assert.True(timer.IsCompleted);
        durable.Verify(context => context.CreateTimer(fireAt, cancellation.Token), Times.Once);
    }

    [Fact]
    public void Clock_and_custom_status_come_from_the_durable_context()
    {
        // Arrange
        var now = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        durable.SetupGet(context => context.CurrentUtcDateTime).Returns(now);
        var progress = new VideoJobProgress { Stage = JobStage.Generating };
        var adapter = new DurableWorkflowContext(durable.Object);

        // Act
        adapter.SetCustomStatus(progress);

        // Assert
        Assert.Equal(now, adapter.CurrentUtcDateTime);
        durable.Verify(context => context.SetCustomStatus(progress), Times.Once);
    }
}
