using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using KlingFunctions.FreepikSimulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using KlingFunctions.Http;
using KlingFunctions.Pipelines;
using KlingFunctions.Testing;
using KlingFunctions.Workflow;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// Event-driven pipelines through the DevHost on Azurite and the Azure Storage backend: jobs from the request queue,
/// completion events to a topic on a real loopback listener, and retention.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class PipelineTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_message_on_the_request_queue_starts_a_job_and_its_Completed_event_reaches_the_topic()
    {
        await using var topic = await EventTopic.StartAsync();
        await using var host = await TestDevHost.StartAsync(azurite, topic.Settings);

        await SendAsync(host, Message("from the queue", ("idempotency_key", "pipeline-1")));
        var id = JobIds.FromIdempotencyKey("pipeline-1");
        var received = await topic.EventForAsync(id);
        var view = await host.GetAsync(id);

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal("1.0", received.CloudEvent.GetProperty("specversion").GetString());
        Assert.Equal("KlingFunctions.VideoJob.Completed", received.Type);
        Assert.Equal($"kling_{id}_completed", received.Id);
        Assert.Equal("urn:klingfunctions", received.CloudEvent.GetProperty("source").GetString());
        Assert.Equal("application/json", received.CloudEvent.GetProperty("datacontenttype").GetString());
        Assert.StartsWith("application/cloudevents-batch+json", received.ContentType, StringComparison.Ordinal);
        Assert.Equal(id, received.Data.GetProperty("id").GetString());
        Assert.Equal("Completed", received.Data.GetProperty("status").GetString());
        Assert.Equal($"{id}.mp4", received.Data.GetProperty("video").GetProperty("blob").GetString());

        // The API's view links our copy with a SAS token; the event, which travels further, does not.
        Assert.Equal(JsonValueKind.String, view.GetProperty("video").GetProperty("url").ValueKind);
        Assert.Equal(JsonValueKind.Null, received.Data.GetProperty("video").GetProperty("url").ValueKind);
        Assert.DoesNotContain("sig=", received.CloudEvent.GetRawText(), StringComparison.Ordinal);
        Assert.Single(topic.Events);
        Assert.Equal(0, (await Queue(host).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_message_that_arrives_with_the_days_creates_used_up_is_neither_a_job_nor_poison_but_waits_on_the_queue_until_midnight()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Freepik:DailyCreateLimit"] = "0" });
        var requests = host.Host.App.Services.GetRequiredService<QueuedVideoRequests>();
        await Queue(host).CreateIfNotExistsAsync();

        var outcome = await requests.HandleAsync(Message("over the limit"), "message-over", new DurableVideoJobClient(host.Host.Durable), CancellationToken.None);

        Assert.Equal(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero), outcome.DeferredUntil);
        Assert.Equal((false, 429), (outcome.Started, outcome.Problem?.Status));

        // Back on the queue, out of sight until then; no job (its key would be the message's id), nothing in the poison queue.
        Assert.Equal(1, (await Queue(host).GetPropertiesAsync()).Value.ApproximateMessagesCount);
        Assert.Empty((await Queue(host).PeekMessagesAsync(1)).Value);
        Assert.False(await Queue(host, "-poison").ExistsAsync());
        Assert.Null(await host.Host.Durable.GetInstanceAsync(JobIds.FromIdempotencyKey("queue-message:message-over")));
        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task A_message_delivered_twice_makes_one_job_and_one_Freepik_task()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var requests = host.Host.App.Services.GetRequiredService<QueuedVideoRequests>();
        var jobs = new DurableVideoJobClient(host.Host.Durable);
        var text = Message("redelivered");

        // The same message (same id) delivered twice, as a queue may do: its id is the key.
        var first = await requests.HandleAsync(text, "message-1", jobs, CancellationToken.None);
        var second = await requests.HandleAsync(text, "message-1", jobs, CancellationToken.None);

        // Two messages with one idempotency_key, as a producer retrying its send makes.
        var keyed = Message("sent twice", ("idempotency_key", "sent-twice"));
        await SendAsync(host, keyed);
        await SendAsync(host, keyed);
        var keyedId = JobIds.FromIdempotencyKey("sent-twice");
        await TestDevHost.EventuallyAsync(async () => (await Queue(host).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0);
        await host.WaitUntilFinishedAsync(keyedId);
        await host.WaitUntilFinishedAsync(first.Job!.Id);

        Assert.Equal(first.Job.Id, second.Job!.Id);
        Assert.Equal(2, host.Simulator.Calls.TasksCreated);
        Assert.Equal(2, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task An_invalid_message_goes_to_the_poison_queue_with_its_problem_beside_it_and_nothing_is_paid()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        const string wrongFields = """{"image":"http://example.com/cat.png","duration":"7","idempotency_key":12}""";
        const string notJson = "start a video please";

        await SendAsync(host, wrongFields);
        await SendAsync(host, notJson);
        var poisoned = await ReceivePoisonAsync(host, 2);

        var fields = poisoned.Single(p => p.GetProperty("message").GetString() == wrongFields);
        Assert.Equal(400, fields.GetProperty("problem").GetProperty("status").GetInt32());
        Assert.Equal(["duration", "idempotency_key", "image"], fields.GetProperty("problem").GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        var text = poisoned.Single(p => p.GetProperty("message").GetString() == notJson);
        Assert.True(text.GetProperty("problem").GetProperty("errors").TryGetProperty("", out _));
        Assert.False(string.IsNullOrEmpty(text.GetProperty("messageId").GetString()));
        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
        Assert.Empty(await ListAsync(host.Host.Durable.GetAllInstancesAsync()));
        Assert.Equal(0, (await Queue(host).GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_message_whose_start_keeps_failing_is_delivered_again_and_after_its_last_delivery_kept_in_the_poison_queue()
    {
        // Blob storage refuses every request while the queue and the task hub are up. (A 403, which the storage client
        // does not retry itself, keeps the test short; a refused connection would take its five retries per delivery.)
        await using var refusing = await LocalWebServer.StartAsync(app => app.MapFallback(() => Results.StatusCode(403)));
        var blobsDown = Regex.Replace(azurite.ConnectionString, "BlobEndpoint=http://127.0.0.1:[0-9]+", $"BlobEndpoint=http://127.0.0.1:{refusing.BaseAddress.Port}");
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Storage:ConnectionString"] = blobsDown,
            ["Pipelines:MaxDequeueCount"] = "2",
        });
        var text = Message("storage is down");

        await SendAsync(host, text);
        var poisoned = Assert.Single(await ReceivePoisonAsync(host, 1));

        using var message = JsonDocument.Parse(poisoned.GetProperty("message").GetString()!);
        Assert.Equal("storage is down", message.RootElement.GetProperty("prompt").GetString());
        Assert.StartsWith("queue-message:", message.RootElement.GetProperty("idempotency_key").GetString(), StringComparison.Ordinal);
        Assert.Equal(503, poisoned.GetProperty("problem").GetProperty("status").GetInt32());
        Assert.Contains("2 deliveries", poisoned.GetProperty("problem").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task A_JavaScript_producer_with_the_storage_SDKs_defaults_starts_a_job_and_its_plain_text_goes_to_the_poison_queue()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var key = "from-node-" + Guid.NewGuid();

        // @azure/storage-queue sends text as it is (no base64) unless told otherwise: the first message many producers send.
        var node = await NodeTool.RunScriptAsync("""
            const { QueueClient } = require("@azure/storage-queue");
            (async () => {
              const queue = new QueueClient(process.env.CONNECTION, process.env.QUEUE);
              await queue.createIfNotExists();
              await queue.sendMessage(process.env.REQUEST);
              await queue.sendMessage("start a video please");
            })().catch(error => { console.error(error); process.exit(1); });
            """, new Dictionary<string, string>
        {
            ["CONNECTION"] = host.Host.App.Configuration["Storage:ConnectionString"]!,
            ["QUEUE"] = host.Host.App.Configuration["Pipelines:RequestQueue"]!,
            ["REQUEST"] = Message("from JavaScript", ("idempotency_key", key)),
        });
        Assert.True(node.ExitCode == 0, node.ToString());
        var poisoned = Assert.Single(await ReceivePoisonAsync(host, 1));
        var view = await host.WaitUntilFinishedAsync(await host.StartedAsync(JobIds.FromIdempotencyKey(key)));

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal("start a video please", poisoned.GetProperty("message").GetString());
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task A_poisoned_message_put_back_on_the_queue_reaches_the_job_its_first_delivery_started()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var requests = host.Host.App.Services.GetRequiredService<QueuedVideoRequests>();
        var text = Message("started, then poisoned");

        // The first delivery started the job; a later one of the same message failed to the end (its delete was lost).
        // (A message id of its own: job ids, and so create records in the shared Azurite, follow from it.)
        var messageId = Guid.NewGuid().ToString();
        var first = await requests.HandleAsync(text, messageId, new DurableVideoJobClient(host.Host.Durable), CancellationToken.None);
        await requests.GiveUpAsync(text, messageId, 5, CancellationToken.None);
        var poisoned = Assert.Single(await ReceivePoisonAsync(host, 1));

        // What the README tells operators to do: put its 'message' back (a new message, with a new id), here as plain JSON.
        var queue = Queue(host, encoding: QueueMessageEncoding.None);
        await queue.SendMessageAsync(poisoned.GetProperty("message").GetString());
        await TestDevHost.EventuallyAsync(async () => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0);
        await host.OrchestrationEndedAsync(first.Job!.Id);

        Assert.Single(await ListAsync(host.Host.Durable.GetAllInstancesAsync()));
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
        Assert.Equal(1, (await Queue(host, "-poison").GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task An_idempotency_key_in_a_message_that_is_not_a_string_is_refused_to_the_poison_queue()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        await SendAsync(host, Message("numbered", ("idempotency_key", 12)));
        var poisoned = Assert.Single(await ReceivePoisonAsync(host, 1));

        Assert.True(poisoned.GetProperty("problem").GetProperty("errors").TryGetProperty("idempotency_key", out _));
        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task Every_ending_is_told_once_by_the_callback_and_the_event_and_both_say_what_GET_says()
    {
        await using var topic = await EventTopic.StartAsync();
        await using var receiver = await CallbackReceiver.StartAsync();

        // Two slots; the wait in line is bounded at 3 s from the job's creation, the generation at 6 s from its create.
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?>(topic.Settings.Concat(CallbackReceiver.Settings))
        {
            ["Freepik:MaxConcurrentTasks"] = "2",
            ["Workflow:FirstPoll"] = "00:00:00.100",
            ["Workflow:MaxPollInterval"] = "00:00:00.250",
            ["Workflow:Deadline"] = "00:00:06",
            ["Workflow:MaxWaitForSlot"] = "00:00:03",
            ["Workflow:SlotRecheckInterval"] = "00:00:01",
            ["Workflow:ActivityRetryAttempts"] = "2",
            ["Workflow:ActivityRetryInterval"] = "00:00:00.100",
        });
        host.Simulator.Script("doomed", new TaskScript { Ending = TaskEnding.Failed });
        host.Simulator.Script("endless", new TaskScript { CompletedAfter = TimeSpan.FromMinutes(5) });
        var callback = new Dictionary<string, object?> { ["callback_url"] = receiver.Url.AbsoluteUri };
        Dictionary<string, object?> Image(string url) => new(callback) { ["image"] = url };

        // Endings before the line: an image host that refuses every connection (retried), and one no name resolves
        // to (.invalid never does, RFC 6761: final at once).
        var unavailable = await host.StartAsync("unreachable image", Image("https://127.0.0.1:1/cat.png"));
        var invalid = await host.StartAsync("unresolvable image", Image("https://kling-test.invalid/cat.png"));

        // Both slots held (one until its deadline, one until it is canceled), so a third job waits past its bound.
        var timedOut = await host.StartAsync("endless generation", callback);
        var canceled = await host.StartAsync("endless until canceled", callback);
        await TestDevHost.EventuallyAsync(() => host.Simulator.Calls.TasksCreated == 2);
        var waitedTooLong = await host.StartAsync("waits past its bound", callback);
        await topic.EventForAsync(waitedTooLong);
        using var cancel = await host.Client.PostAsync($"/api/videos/{canceled}/cancel", null);
        await topic.EventForAsync(canceled);

        // The canceled job's slot is free again: one job completes in it, one fails at Freepik.
        var completed = await host.StartAsync("plain video", callback);
        var failed = await host.StartAsync("doomed video", callback);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var expected = new Dictionary<string, (string Status, string? Code)>
        {
            [completed] = ("Completed", null),
            [failed] = ("Failed", "FreepikFailed"),
            [unavailable] = ("Failed", "ImageUnavailable"),
            [invalid] = ("Failed", "InvalidImage"),
            [timedOut] = ("TimedOut", "DeadlineExceeded"),
            [waitedTooLong] = ("TimedOut", "SlotWaitExceeded"),
            [canceled] = ("Canceled", "Canceled"),
        };
        foreach (var (id, ending) in expected)
        {
            // Ended by itself, through its finish (a cancel too): the callback and the event are out by then.
            Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, await host.OrchestrationEndedAsync(id));
            var received = Assert.Single(topic.Events, e => e.Subject == $"videos/{id}");
            var called = Assert.Single(receiver.Views, view => view.GetProperty("id").GetString() == id);

            Assert.Equal(ending, Ending(await host.GetAsync(id)));
            Assert.Equal(ending, Ending(called));
            Assert.Equal(ending, Ending(received.Data));
            Assert.Equal($"KlingFunctions.VideoJob.{ending.Status}", received.Type);
            Assert.Equal($"kling_{id}_{ending.Status.ToLowerInvariant()}", received.Id);
        }

        // Only the jobs that held a slot created a task: not the one that waited past its bound, nor the images.
        Assert.Equal((4, 4), (host.Simulator.Calls.CreateAttempts, host.Simulator.Calls.TasksCreated));
        Assert.Equal(expected.Count, topic.Events.Count);
        Assert.Equal(expected.Count, receiver.Views.Count);
    }

    [Fact]
    public async Task Retention_purges_finished_jobs_past_it_with_their_input_blobs_and_keeps_running_and_recent_ones()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        host.Simulator.Script("long", new TaskScript { CompletedAfter = TimeSpan.FromMinutes(5) });
        var finished = await host.StartAsync("a finished job");
        await host.OrchestrationEndedAsync(finished);
        var running = await host.StartAsync("long generation");
        await TestDevHost.EventuallyAsync(() => host.Simulator.Tasks.Count == 2);
        var inputs = azurite.CreateServiceClient().GetBlobContainerClient("inputs");

        var today = await Retention(host, DateTimeOffset.UtcNow).PurgeAsync(host.Host.Durable, CancellationToken.None);
        var kept = await host.GetAsync(finished);
        var purged = await Retention(host, DateTimeOffset.UtcNow.AddDays(31)).PurgeAsync(host.Host.Durable, CancellationToken.None);

        Assert.Equal(0, today);
        Assert.Equal("Completed", kept.GetProperty("status").GetString());
        Assert.Equal(1, purged);
        using var gone = await host.Client.GetAsync($"/api/videos/{finished}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty(await BlobsAsync(inputs, finished));
        Assert.Equal("Running", (await host.GetAsync(running)).GetProperty("status").GetString());
        Assert.NotEmpty(await BlobsAsync(inputs, running));
    }

    [Fact]
    public async Task Retention_leaves_the_uploads_of_a_keyed_retry_that_arrives_during_the_purge_and_the_retry_runs_with_them()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var inputs = azurite.CreateServiceClient().GetBlobContainerClient("inputs");
        const string key = "retried-during-purge";
        var id = JobIds.FromIdempotencyKey(key);
        using (var first = await host.Client.SendAsync(Keyed(Multipart(new MultipartFormDataContent()), key)))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        await host.OrchestrationEndedAsync(id);
        var firstBlobs = await BlobsAsync(inputs, id);

        // The retry's image part is stored while its body is read, before it looks for the job; the body then waits.
        var rest = new TaskCompletionSource();
        var retry = host.Client.SendAsync(Keyed(new PausedContent(Multipart(new MultipartFormDataContent()), rest.Task), key));
        await TestDevHost.EventuallyAsync(async () => (await BlobsAsync(inputs, id)).Except(firstBlobs).Any());
        var purged = await Retention(host, DateTimeOffset.UtcNow.AddDays(31)).PurgeAsync(host.Host.Durable, CancellationToken.None);
        var kept = (await BlobsAsync(inputs, id)).Except(firstBlobs).ToList();
        rest.SetResult();
        using var answer = await retry;

        Assert.Equal(1, purged);
        Assert.DoesNotContain(firstBlobs, (await BlobsAsync(inputs, id)).Contains);
        Assert.Single(kept);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        await host.OrchestrationEndedAsync(id);
        Assert.Equal("Completed", (await host.GetAsync(id)).GetProperty("status").GetString());
        Assert.Equal(2, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task The_DevHost_purges_on_its_own_schedule()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Workflow:Retention"] = "00:00:01",
            ["DevHost:PurgeInterval"] = "00:00:00.250",
        });

        var id = await host.StartAsync("a short-lived job");
        await TestDevHost.EventuallyAsync(async () => (await host.Client.GetAsync($"/api/videos/{id}")).StatusCode == HttpStatusCode.NotFound);

        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
        Assert.Empty(await BlobsAsync(azurite.CreateServiceClient().GetBlobContainerClient("inputs"), id));
    }

    /// <summary>What a job view (from GET, a callback or an event) says the job ended as.</summary>
    private static (string Status, string? Code) Ending(JsonElement view)
        => (view.GetProperty("status").GetString()!, view.TryGetProperty("error", out var error) && error.ValueKind is JsonValueKind.Object ? error.GetProperty("code").GetString() : null);

    private static JobRetention Retention(TestDevHost host, DateTimeOffset now) => new(
        host.Host.App.Services.GetRequiredService<Storage.BlobContainers>(),
        Options.Create(new WorkflowOptions()),
        new FakeTimeProvider(now),
        NullLogger<JobRetention>.Instance);

    private static async Task<List<string>> BlobsAsync(BlobContainerClient container, string jobId)
        => [.. (await ListAsync(container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, jobId, CancellationToken.None))).Select(blob => blob.Name)];

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    private static string Message(string prompt, params (string Name, object Value)[] extra)
    {
        var body = TestDevHost.Request(prompt);
        foreach (var (name, value) in extra)
        {
            body[name] = value;
        }

        return JsonSerializer.Serialize(body);
    }

    private static QueueClient Queue(TestDevHost host, string suffix = "", QueueMessageEncoding encoding = QueueMessageEncoding.Base64)
        => new(host.Host.App.Configuration["Storage:ConnectionString"], host.Host.App.Configuration["Pipelines:RequestQueue"] + suffix, new QueueClientOptions { MessageEncoding = encoding });

    private static MultipartFormDataContent Multipart(MultipartFormDataContent form)
    {
        // The image first: its part ends (and is stored) at the next part's boundary, long before the body does.
        form.Add(new ByteArrayContent(TestImages.Png(640, 480, totalBytes: 64 * 1024)), "image", "cat.png");
        form.Add(new StringContent("the same request again"), "prompt");
        form.Add(new StringContent("5"), "duration");
        return form;
    }

    private static HttpRequestMessage Keyed(HttpContent content, string key)
        => new(HttpMethod.Post, "/api/videos") { Content = content, Headers = { { "Idempotency-Key", key } } };

    /// <summary>A body sent up to its last 8 bytes, the rest once a task completes.</summary>
    private sealed class PausedContent : HttpContent
    {
        private readonly byte[] body;
        private readonly Task rest;

        public PausedContent(HttpContent inner, Task rest)
        {
            body = inner.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            this.rest = rest;
            Headers.ContentType = inner.Headers.ContentType;
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, body.Length - 8));
            await stream.FlushAsync();
            await rest;
            await stream.WriteAsync(body.AsMemory(body.Length - 8));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    private static async Task SendAsync(TestDevHost host, string text)
    {
        var queue = Queue(host);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(text);
    }

    private static async Task<List<JsonElement>> ReceivePoisonAsync(TestDevHost host, int count)
    {
        var poison = Queue(host, "-poison");
        await TestDevHost.EventuallyAsync(async () => await poison.ExistsAsync() && (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount >= count);
        var messages = (await poison.PeekMessagesAsync(32)).Value;
        return [.. messages.Select(message => JsonSerializer.Deserialize<JsonElement>(message.MessageText))];
    }
}
