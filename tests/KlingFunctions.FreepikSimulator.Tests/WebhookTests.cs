using System.Text.Json;
using KlingFunctions.Webhooks;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.FreepikSimulator.Tests;

public sealed class WebhookTests : IAsyncLifetime
{
    private static readonly FreepikSimulatorOptions Options = new()
    {
        InProgressAfter = TimeSpan.FromSeconds(10),
        CompletedAfter = TimeSpan.FromSeconds(30),
        WebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
    };

    private readonly FakeTimeProvider time = new();
    private FreepikSimulatorServer sim = null!;
    private WebhookReceiver receiver = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        sim = await FreepikSimulatorServer.StartAsync(Options, time, CancellationToken.None);
        receiver = await WebhookReceiver.StartAsync();
        client = sim.CreateClient();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await sim.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task One_webhook_is_sent_per_status_change_in_order()
    {
        var taskId = await FreepikApi.CreateTaskAsync(client, webhookUrl: receiver.Url);

        time.Advance(TimeSpan.FromSeconds(30));
        var deliveries = await receiver.NextAsync(3);

        Assert.Equal(["CREATED", "IN_PROGRESS", "COMPLETED"], deliveries.Select(Status));
        Assert.All(deliveries, delivery => Assert.Equal(taskId, Field(delivery, "task_id")));
        Assert.Equal(3, deliveries.Select(delivery => delivery.Id).Distinct().Count());
    }

    [Fact]
    public async Task Every_webhook_is_signed_with_the_configured_secret()
    {
        await FreepikApi.CreateTaskAsync(client, webhookUrl: receiver.Url);

        time.Advance(TimeSpan.FromSeconds(30));
        var deliveries = await receiver.NextAsync(3);

        Assert.All(deliveries, delivery => Assert.Equal(
            WebhookVerificationReason.Valid,
            WebhookSignature.Verify(Options.WebhookSecret, delivery.Id, delivery.Timestamp, delivery.Signature, delivery.Body, time.GetUtcNow()).Reason));
    }

    [Fact]
    public async Task The_COMPLETED_webhook_is_the_status_body_without_the_data_wrapper()
    {
        var taskId = await FreepikApi.CreateTaskAsync(client, webhookUrl: receiver.Url);

        time.Advance(TimeSpan.FromSeconds(30));
        var completed = (await receiver.NextAsync(3))[2];
        var status = await FreepikApi.GetTaskAsync(client, taskId);

        Assert.Equal(status.GetRawText(), JsonDocument.Parse(completed.Body).RootElement.GetRawText());
        Assert.Equal([$"{sim.BaseUri}videos/{taskId}.mp4"], FreepikApi.Generated(status));
    }

    [Fact]
    public async Task A_failing_webhook_receiver_is_counted_and_the_task_still_completes()
    {
        var taskId = await FreepikApi.CreateTaskAsync(client, webhookUrl: "http://127.0.0.1:9/unreachable");
        time.Advance(TimeSpan.FromSeconds(30));

        var task = await FreepikApi.GetTaskAsync(client, taskId);
        while (sim.Calls.WebhookFailures < 3)
        {
            await Task.Delay(10);
        }

        Assert.Equal("COMPLETED", task.GetProperty("status").GetString());
        Assert.Equal(3, sim.Calls.WebhooksSent);
    }

    [Fact]
    public async Task Lost_webhooks_are_never_sent()
    {
        sim.ScriptNext(new TaskScript { Webhooks = WebhookFault.Lost });
        await FreepikApi.CreateTaskAsync(client, webhookUrl: receiver.Url);

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal((0, 3), (sim.Calls.WebhooksSent, sim.Calls.WebhooksLost));
        Assert.False(receiver.TryTake(out _));
    }

    [Fact]
    public async Task Duplicated_webhooks_arrive_twice_with_the_same_webhook_id()
    {
        sim.ScriptNext(new TaskScript { Webhooks = WebhookFault.Duplicated });
        await FreepikApi.CreateTaskAsync(client, webhookUrl: receiver.Url);

        time.Advance(TimeSpan.FromSeconds(30));
        var deliveries = await receiver.NextAsync(6);

        Assert.Equal(["CREATED", "CREATED", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED", "COMPLETED"], deliveries.Select(Status));
        Assert.All(deliveries.Chunk(2), pair => Assert.Equal(pair[0].Id, pair[1].Id));
        Assert.Equal(3, deliveries.Select(delivery => delivery.Id).Distinct().Count());
    }

    [Fact]
    public async Task Reordered_webhooks_deliver_COMPLETED_before_the_earlier_statuses()
    {
        sim.ScriptNext(new TaskScript { Webhooks = WebhookFault.Reordered });
        await FreepikApi.CreateTaskAsync(client, webhookUrl: receiver.Url);

        time.Advance(TimeSpan.FromSeconds(10));
        var sentBeforeTheEnd = sim.Calls.WebhooksSent;
        time.Advance(TimeSpan.FromSeconds(20));
        var deliveries = await receiver.NextAsync(3);

        Assert.Equal(0, sentBeforeTheEnd);
        Assert.Equal(["COMPLETED", "IN_PROGRESS", "CREATED"], deliveries.Select(Status));
    }

    [Fact]
    public async Task Delayed_webhooks_are_sent_only_after_the_delay()
    {
        sim.ScriptNext(new TaskScript { WebhookDelay = TimeSpan.FromMinutes(2) });
        await FreepikApi.CreateTaskAsync(client, webhookUrl: receiver.Url);

        time.Advance(TimeSpan.FromSeconds(119));
        var sentBeforeTheDelay = sim.Calls.WebhooksSent;
        time.Advance(TimeSpan.FromSeconds(1));
        var first = await receiver.NextAsync();

        Assert.Equal(0, sentBeforeTheDelay);
        Assert.Equal("CREATED", Status(first));
    }

    [Fact]
    public async Task No_webhook_is_sent_without_a_webhook_url()
    {
        await FreepikApi.CreateTaskAsync(client);

        time.Advance(TimeSpan.FromSeconds(30));

        Assert.Equal(0, sim.Calls.WebhooksSent);
    }

    private static string? Status(ReceivedWebhook delivery) => Field(delivery, "status");

    private static string? Field(ReceivedWebhook delivery, string name)
        => JsonDocument.Parse(delivery.Body).RootElement.GetProperty(name).GetString();
}
