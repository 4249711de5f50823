using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Testing;
using KlingFunctions.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// The whole workflow through the DevHost's HTTP API on real sockets, with Azurite and the Freepik simulator:
/// each test asserts what a caller sees (the job view) and what Freepik saw (the simulator's call counts).
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class EndToEndTests(AzuriteFixture azurite)
{
    private static readonly string[] ForgedVideo = ["https://attacker.example/video.mp4"];

    private static readonly Dictionary<string, string?> FastPolling = new()
    {
        ["Workflow:FirstPoll"] = "00:00:00.100",
        ["Workflow:MaxPollInterval"] = "00:00:00.250",
    };

    [Fact]
    public async Task A_job_completes_from_the_webhooks_without_a_single_poll_and_keeps_a_copy_of_the_video()
    {
        // The first poll would come 40 s after the create (webhooks make polls four times sparser).
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Workflow:FirstPoll"] = "00:00:10", ["Workflow:MaxPollInterval"] = "00:00:10" });

        var id = await host.StartAsync("a cat surfing");
        var view = await host.WaitUntilFinishedAsync(id);

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal("Done", view.GetProperty("stage").GetString());
        Assert.Equal(0, view.GetProperty("polls").GetInt32());
        Assert.True(view.GetProperty("webhooks").GetInt32() >= 2);
        var task = Assert.Single(host.Simulator.Tasks);
        Assert.Equal(task.TaskId, view.GetProperty("freepik").GetProperty("taskId").GetString());
        Assert.Equal(0, host.Simulator.Calls.StatusCallsFor(task.TaskId));
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);

        var video = view.GetProperty("video");
        Assert.Equal($"{id}.mp4", video.GetProperty("blob").GetString());
        using var http = new HttpClient();
        var copy = await http.GetByteArrayAsync(video.GetProperty("url").GetString());
        Assert.Equal(await http.GetByteArrayAsync(view.GetProperty("videoUrls")[0].GetString()), copy);
        Assert.Equal(copy.Length, video.GetProperty("bytes").GetInt64());
    }

    [Fact]
    public async Task The_202_shows_the_job_as_its_later_views_do_pending_and_with_the_same_creation_time()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        using var response = await host.PostAsync(TestDevHost.Request("a cat reading"));
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var id = accepted.GetProperty("id").GetString()!;
        var finished = await host.WaitUntilFinishedAsync(id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(("Pending", "Queued"), (accepted.GetProperty("status").GetString(), accepted.GetProperty("stage").GetString()));
        Assert.Equal(accepted.GetProperty("createdAt").GetDateTimeOffset(), finished.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal("Completed", finished.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_job_whose_webhooks_are_lost_is_completed_by_polling()
    {
        await using var host = await TestDevHost.StartAsync(azurite, FastPolling);
        host.Simulator.Script("lost", new TaskScript { Webhooks = WebhookFault.Lost });

        var view = await host.WaitUntilFinishedAsync(await host.StartAsync("lost webhooks"));

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal(0, view.GetProperty("webhooks").GetInt32());
        Assert.True(view.GetProperty("polls").GetInt32() >= 1);
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task A_webhook_that_arrives_before_the_orchestration_waits_is_not_lost()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        host.Simulator.Script("instant", new TaskScript { InProgressAfter = TimeSpan.Zero, CompletedAfter = TimeSpan.Zero });

        var view = await host.WaitUntilFinishedAsync(await host.StartAsync("instant video"));

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal(0, view.GetProperty("polls").GetInt32());
    }

    [Theory]
    [InlineData(WebhookFault.Duplicated)]
    [InlineData(WebhookFault.Reordered)]
    public async Task Duplicate_and_out_of_order_webhooks_change_nothing(WebhookFault fault)
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        host.Simulator.Script("messy", new TaskScript { Webhooks = fault });

        var view = await host.WaitUntilFinishedAsync(await host.StartAsync("messy webhooks"));
        await TestDevHost.EventuallyAsync(() => host.Simulator.Calls.WebhooksSent >= (fault == WebhookFault.Duplicated ? 6 : 3));
        var later = await host.GetAsync(view.GetProperty("id").GetString()!);

        Assert.Equal("Completed", later.GetProperty("status").GetString());
        Assert.Equal("COMPLETED", later.GetProperty("freepik").GetProperty("status").GetString());
        Assert.Equal(1, host.Simulator.Calls.VideoDownloads);
    }

    [Fact]
    public async Task A_forged_webhook_is_refused_and_changes_nothing()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        host.Simulator.Script("slow", new TaskScript { InProgressAfter = TimeSpan.FromMilliseconds(100), CompletedAfter = TimeSpan.FromSeconds(6) });
        var id = await host.StartAsync("slow video");
        await TestDevHost.EventuallyAsync(() => host.Simulator.Tasks.Count == 1);
        var taskId = host.Simulator.Tasks[0].TaskId;
        var forged = JsonContent.Create(new { task_id = taskId, status = "COMPLETED", generated = ForgedVideo });
        var token = host.Host.App.Services.GetRequiredService<WebhookToken>().Create(id);

        using var wrongToken = await host.Client.PostAsync($"/api/webhooks/freepik/{id}?token=forged", forged);
        using var unsigned = await host.Client.PostAsync($"/api/webhooks/freepik/{id}?token={token}", forged);
        var during = await host.GetAsync(id);

        Assert.Equal(HttpStatusCode.Unauthorized, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("Running", during.GetProperty("status").GetString());
        var view = await host.WaitUntilFinishedAsync(id);
        Assert.DoesNotContain("attacker", view.GetProperty("videoUrls").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_for_an_unknown_job_is_404_and_for_a_finished_job_202()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var tokens = host.Host.App.Services.GetRequiredService<WebhookToken>();
        var id = await host.StartAsync("finished");
        await host.WaitUntilFinishedAsync(id);
        var unknown = new string('a', 32);

        using var toUnknown = await host.Client.PostAsync($"/api/webhooks/freepik/{unknown}?token={tokens.Create(unknown)}", Signed(host, "{\"task_id\":\"t\",\"status\":\"COMPLETED\"}"));
        using var toFinished = await host.Client.PostAsync($"/api/webhooks/freepik/{id}?token={tokens.Create(id)}", Signed(host, "{\"task_id\":\"t\",\"status\":\"FAILED\"}"));
        using var malformed = await host.Client.PostAsync($"/api/webhooks/freepik/{id}?token={tokens.Create(id)}", Signed(host, "{\"status\":1}"));

        Assert.Equal(HttpStatusCode.NotFound, toUnknown.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, toFinished.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("Completed", (await host.GetAsync(id)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_webhook_body_over_the_limit_is_refused_unread(bool chunked)
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Api:MaxWebhookBytes"] = "1024" });
        var id = await host.StartAsync("finished");
        var token = host.Host.App.Services.GetRequiredService<WebhookToken>().Create(id);

        // Chunked: no Content-Length to refuse it by, so the limit applies while reading.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/freepik/{id}?token={token}")
        {
            Content = Signed(host, $"{{\"task_id\":\"{new string('t', 2048)}\",\"status\":\"FAILED\"}}"),
            Headers = { TransferEncodingChunked = chunked },
        };
        using var response = await host.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEqual("Failed", (await host.WaitUntilFinishedAsync(id)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(TaskEnding.Failed, "FreepikFailed")]
    [InlineData(TaskEnding.CompletedWithoutVideo, "EmptyResult")]
    public async Task A_task_that_Freepik_fails_or_leaves_empty_fails_the_job(TaskEnding ending, string code)
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        host.Simulator.Script("doomed", new TaskScript { Ending = ending });

        var view = await host.WaitUntilFinishedAsync(await host.StartAsync("doomed video"));

        Assert.Equal("Failed", view.GetProperty("status").GetString());
        Assert.Equal(code, view.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(0, host.Simulator.Calls.VideoDownloads);
    }

    [Fact]
    public async Task A_bad_API_key_fails_the_job_after_one_create_and_no_retries()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["DevHost:Simulator"] = "true", ["Freepik:ApiKey"] = "not-the-key" });

        var view = await host.WaitUntilFinishedAsync(await host.StartAsync("any"));

        Assert.Equal("FreepikUnauthorized", view.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal((1, 0), (host.Simulator.Calls.CreateAttempts, host.Simulator.Calls.TasksCreated));
        Assert.DoesNotContain("not-the-key", view.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_create_answered_503_is_retried_and_makes_exactly_one_task()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        host.Simulator.Script("busy", new TaskScript { CreateFaults = [ResponseFault.Status(503, times: 1, retryAfter: TimeSpan.FromSeconds(1))] });

        var view = await host.WaitUntilFinishedAsync(await host.StartAsync("busy freepik"));

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal((2, 1), (host.Simulator.Calls.CreateAttempts, host.Simulator.Calls.TasksCreated));
    }

    [Fact]
    public async Task A_create_that_times_out_is_not_a_lost_video_its_webhook_names_the_task_and_the_job_completes()
    {
        // The create reaches Freepik but its answer comes too late: the task exists, and its webhooks carry the job's URL.
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Freepik:CreateTimeout"] = "00:00:01" });
        host.Simulator.Script("sluggish", new TaskScript { CreateFaults = [ResponseFault.Slow(TimeSpan.FromSeconds(3))] });

        var view = await host.WaitUntilFinishedAsync(await host.StartAsync("sluggish create"));

        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal(host.Simulator.Tasks[0].TaskId, view.GetProperty("freepik").GetProperty("taskId").GetString());
        Assert.Equal((1, 1), (host.Simulator.Calls.CreateAttempts, host.Simulator.Calls.TasksCreated));
    }

    [Fact]
    public async Task Without_webhooks_a_create_that_times_out_fails_as_SubmitOutcomeUnknown_without_a_second_create()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Freepik:CreateTimeout"] = "00:00:01", ["Webhooks:PublicBaseUrl"] = "" });
        host.Simulator.Script("sluggish", new TaskScript { CreateFaults = [ResponseFault.Slow(TimeSpan.FromSeconds(3))] });

        var id = await host.StartAsync("sluggish create");
        var view = await host.WaitUntilFinishedAsync(id);
        await host.OrchestrationEndedAsync(id);

        Assert.Equal("SubmitOutcomeUnknown", view.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task A_video_that_Freepik_finishes_after_the_deadline_is_shown_as_late_not_dropped()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?>(FastPolling) { ["Workflow:Deadline"] = "00:00:01.500" });
        host.Simulator.Script("tardy", new TaskScript { CompletedAfter = TimeSpan.FromSeconds(4) });

        var id = await host.StartAsync("tardy generation");
        var timedOut = await host.WaitUntilFinishedAsync(id);
        // An IN_PROGRESS that raced the deadline is kept first; Freepik's COMPLETED replaces it when it comes.
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(id)).TryGetProperty("late", out var kept) && kept.GetProperty("status").GetString() == "COMPLETED");
        var late = (await host.GetAsync(id)).GetProperty("late");

        Assert.Equal("TimedOut", timedOut.GetProperty("status").GetString());
        Assert.Equal(host.Simulator.Tasks[0].TaskId, late.GetProperty("taskId").GetString());
        Assert.Equal("COMPLETED", late.GetProperty("status").GetString());
        Assert.Single(late.GetProperty("videoUrls").EnumerateArray());
    }

    [Fact]
    public async Task The_video_of_a_task_that_ran_on_after_its_job_was_canceled_is_shown_as_late()
    {
        await using var host = await TestDevHost.StartAsync(azurite, FastPolling);
        host.Simulator.Script("canceled", new TaskScript { CompletedAfter = TimeSpan.FromSeconds(3) });
        var id = await host.StartAsync("canceled while generating");
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(id)).GetProperty("stage").GetString() == "Generating");

        using var cancel = await host.Client.PostAsync($"/api/videos/{id}/cancel", null);
        var canceled = await host.WaitUntilFinishedAsync(id);
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(id)).TryGetProperty("late", out var kept) && kept.GetProperty("status").GetString() == "COMPLETED");

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(("Canceled", "Canceled"), (canceled.GetProperty("status").GetString(), canceled.GetProperty("error").GetProperty("code").GetString()));
        Assert.Equal(host.Simulator.Tasks[0].TaskId, (await host.GetAsync(id)).GetProperty("late").GetProperty("taskId").GetString());
    }

    [Fact]
    public async Task A_job_still_generating_at_the_deadline_times_out_and_its_orchestration_ends()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?>(FastPolling) { ["Workflow:Deadline"] = "00:00:01.500" });
        host.Simulator.Script("endless", new TaskScript { CompletedAfter = TimeSpan.FromMinutes(5) });

        var id = await host.StartAsync("endless generation");
        var view = await host.WaitUntilFinishedAsync(id);

        Assert.Equal("TimedOut", view.GetProperty("status").GetString());
        Assert.Equal("DeadlineExceeded", view.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, await host.OrchestrationEndedAsync(id));
    }

    [Fact]
    public async Task Timers_that_the_Azure_Storage_backend_fires_early_cause_no_burst_of_polls_at_the_deadline()
    {
        // That backend fires timers up to a second early (queue visibility is whole seconds). Webhooks lost, so
        // only polls follow the job: with webhooks configured at 1 s, 2 s, … apart, then one at the 4.5 s deadline.
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Workflow:FirstPoll"] = "00:00:00.250",
            ["Workflow:MaxPollInterval"] = "00:00:00.500",
            ["Workflow:Deadline"] = "00:00:04.500",
        });
        host.Simulator.Script("endless", new TaskScript { CompletedAfter = TimeSpan.FromMinutes(5), Webhooks = WebhookFault.Lost });

        var id = await host.StartAsync("endless and silent");
        var view = await host.WaitUntilFinishedAsync(id);

        Assert.Equal("TimedOut", view.GetProperty("status").GetString());
        Assert.InRange(host.Simulator.Calls.StatusCallsFor(host.Simulator.Tasks[0].TaskId), 2, 4);
        var took = view.GetProperty("updatedAt").GetDateTimeOffset() - view.GetProperty("createdAt").GetDateTimeOffset();
        Assert.InRange(took.TotalSeconds, 3.5, 7.5);
    }

    [Fact]
    public async Task A_canceled_job_ends_Canceled_through_its_own_finish_calls_back_once_and_cannot_be_canceled_twice()
    {
        var received = new List<JsonElement>();
        await using var receiver = await LocalWebServer.StartAsync(app => app.MapPost("/done", async (HttpRequest request) =>
        {
            var view = await request.ReadFromJsonAsync<JsonElement>();
            lock (received)
            {
                received.Add(view);
            }

            return Results.Ok();
        }));

        // The receiver is on this machine: private addresses are allowed for this test only.
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Storage:AllowPrivateNetworkSources"] = "true" });
        host.Simulator.Script("long", new TaskScript { CompletedAfter = TimeSpan.FromMinutes(5) });
        var id = await host.StartAsync("long generation", new Dictionary<string, object?> { ["callback_url"] = receiver.Url("/done").AbsoluteUri });
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(id)).GetProperty("stage").GetString() == "Generating");

        using var cancel = await host.Client.PostAsync($"/api/videos/{id}/cancel", null);
        var asked = await cancel.Content.ReadFromJsonAsync<JsonElement>();
        var runtime = await host.OrchestrationEndedAsync(id);
        var view = await host.GetAsync(id);
        using var again = await host.Client.PostAsync($"/api/videos/{id}/cancel", null);
        using var unknown = await host.Client.PostAsync($"/api/videos/{new string('b', 32)}/cancel", null);

        // 202 is the request: the answer still reads Running; the job then ends by itself, not by a terminate.
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("Running", asked.GetProperty("status").GetString());
        Assert.Equal(Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Completed, runtime);
        Assert.Equal(("Canceled", "Canceled"), (view.GetProperty("status").GetString(), view.GetProperty("error").GetProperty("code").GetString()));

        // The task submitted before the cancel runs on at Freepik (and is paid): its id stays in the view.
        Assert.Equal(host.Simulator.Tasks[0].TaskId, view.GetProperty("freepik").GetProperty("taskId").GetString());
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);

        var called = Assert.Single(received);
        Assert.Equal(("Canceled", "Canceled"), (called.GetProperty("status").GetString(), called.GetProperty("error").GetProperty("code").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_twice_gives_one_job_and_one_task()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var body = TestDevHost.Request("once only");

        // A key of this run's own: jobs (and their submit records) outlive the DevHost in a shared Azurite.
        var key = $"order-{Guid.NewGuid():N}";
        using var first = await host.PostAsync(body, idempotencyKey: key);
        using var second = await host.PostAsync(body, idempotencyKey: key);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var secondId = (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        await host.WaitUntilFinishedAsync(firstId);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (first.StatusCode, second.StatusCode));
        Assert.Equal(firstId, secondId);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_with_a_different_request_is_refused_with_422_and_pays_nothing()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var key = $"order-{Guid.NewGuid():N}";

        using var first = await host.PostAsync(TestDevHost.Request("the first request"), idempotencyKey: key);
        using var second = await host.PostAsync(TestDevHost.Request("another request"), idempotencyKey: key);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        await host.WaitUntilFinishedAsync((await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.UnprocessableEntity), (first.StatusCode, second.StatusCode));
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Idempotency-Key", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task Invalid_input_is_refused_with_every_field_named_and_Freepik_is_never_called()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        using var response = await host.PostAsync(new { duration = "7", cfg_scale = 2, image = "http://example.com/cat.png", callback_url = "ftp://x" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(field => field.Name).Order();
        Assert.Equal(["callback_url", "cfg_scale", "duration", "image"], fields);
        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task An_image_too_small_for_Kling_in_the_request_is_refused_before_any_job_with_stagings_message()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var body = TestDevHost.Request("tiny");
        body["image"] = Convert.ToBase64String(TestImages.Png(299, 400));

        using var response = await host.PostAsync(body);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("is 299×400 pixels; both sides must be at least 300 pixels.", problem.GetProperty("errors").GetProperty("image")[0].GetString());
        await foreach (var instance in host.Host.Durable.GetAllInstancesAsync())
        {
            Assert.Fail($"A refused request started {instance.InstanceId}.");
        }

        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task A_multipart_upload_starts_a_job_like_JSON_does()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.Jpeg(1280, 720)), "image", "cat.jpg" },
            { new StringContent("a cat surfing"), "prompt" },
            { new StringContent("10"), "duration" },
            { new StringContent("0.3"), "cfg_scale" },
        };

        using var response = await host.Client.PostAsync("/api/videos", form);
        var view = await host.WaitUntilFinishedAsync((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Completed", view.GetProperty("status").GetString());
        var sent = host.Simulator.Tasks[0].Body;
        Assert.Equal(("10", 0.3), (sent["duration"]!.GetValue<string>(), sent["cfg_scale"]!.GetValue<double>()));
        Assert.Contains("sig=", sent["image"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multipart_request_refused_for_its_fields_leaves_none_of_its_file_parts_in_storage()
    {
        var container = $"inputs-{Guid.NewGuid():N}"[..24];
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Storage:InputContainer"] = container });
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(TestImages.Jpeg(1280, 720)), "image", "cat.jpg" },
            { new ByteArrayContent(TestImages.Png(1280, 720)), "static_mask", "mask.png" },
            { new StringContent("7"), "duration" },
        };

        using var response = await host.Client.PostAsync("/api/videos", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var stored = new List<string>();
        await foreach (var blob in azurite.CreateServiceClient().GetBlobContainerClient(container).GetBlobsAsync())
        {
            stored.Add(blob.Name);
        }

        Assert.Empty(stored);
    }

    [Fact]
    public async Task A_body_that_is_neither_JSON_nor_a_form_is_415_and_an_oversized_one_413()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Api:MaxRequestBytes"] = "2048" });

        using var text = await host.Client.PostAsync("/api/videos", new StringContent("hello"));
        using var large = await host.PostAsync(new { image = new string('A', 4096), duration = "5" });

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
    }

    [Fact]
    public async Task The_callback_url_receives_the_final_job_view_once()
    {
        var received = new List<JsonElement>();
        var answer = new TaskCompletionSource();
        await using var receiver = await LocalWebServer.StartAsync(app => app.MapPost("/done", async (HttpRequest request) =>
        {
            var view = await request.ReadFromJsonAsync<JsonElement>();
            lock (received)
            {
                received.Add(view);
            }

            await answer.Task;
            return Results.Ok();
        }));

        // The receiver is on this machine: private addresses are allowed for this test only.
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Storage:AllowPrivateNetworkSources"] = "true" });

        var id = await host.StartAsync("with callback", new Dictionary<string, object?> { ["callback_url"] = receiver.Url("/done").AbsoluteUri });
        await TestDevHost.EventuallyAsync(() => { lock (received) { return received.Count > 0; } });
        var whileCallingBack = await host.GetAsync(id);
        answer.SetResult();
        await host.OrchestrationEndedAsync(id);

        Assert.Equal("Completed", whileCallingBack.GetProperty("status").GetString());

        var view = Assert.Single(received);
        Assert.Equal(id, view.GetProperty("id").GetString());
        Assert.Equal("Completed", view.GetProperty("status").GetString());
        Assert.Equal($"{id}.mp4", view.GetProperty("video").GetProperty("blob").GetString());
    }

    [Fact]
    public async Task A_callback_to_a_private_address_is_refused_before_the_job_starts()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        using var response = await host.PostAsync(new Dictionary<string, object?>(TestDevHost.Request("private callback")) { ["callback_url"] = "http://127.0.0.1:9/done" });
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty("callback_url", out _));
        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
    }

    private static ByteArrayContent Signed(TestDevHost host, string json)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.Add("webhook-id", Guid.NewGuid().ToString());
        content.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        content.Headers.Add("webhook-signature", WebhookSignature.Sign(host.Simulator.Options.WebhookSecret, content.Headers.GetValues("webhook-id").Single(), timestamp, body));
        return content;
    }
}
