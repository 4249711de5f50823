using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using KlingFunctions.Http;
using KlingFunctions.Testing;
using KlingFunctions.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// Malformed input through every way in, against the DevHost on real sockets: HTTP JSON bodies, multipart and other
/// bodies, headers and routes, queue messages, webhooks. Each case asserts the documented answer (a problem with its
/// status, a title and what to do; for messages, the poison queue with the reason), and then that nothing was started,
/// stored or paid for and that the host still answers and still starts a valid job.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class BadInputTests(AzuriteFixture azurite)
{
    private static readonly string Png640 = Convert.ToBase64String(TestImages.Png(640, 480));

    /// <summary>Small limits, so that "too large" cases are cheap; an inputs container of its own, so that "nothing stored" is exact.</summary>
    private static Dictionary<string, string?> Settings(string container) => new()
    {
        ["Api:MaxJsonBytes"] = "262144",
        ["Api:MaxRequestBytes"] = "1048576",
        ["Api:MaxFieldBytes"] = "4096",
        ["Api:MaxWebhookBytes"] = "4096",
        ["Storage:InputContainer"] = container,
    };

    [Fact]
    public async Task Malformed_JSON_bodies_are_refused_as_problems_naming_what_is_wrong()
    {
        await RunAsync(
        [
            Json("truncated", """{"image":"https://example.com/cat.png","duration":"5""", 400, ""),
            Json("wrong types", """{"image":1,"duration":5,"cfg_scale":"high","prompt":["a"]}""", 400, "cfg_scale"),
            Json("a JSON array", "[1,2,3]", 400, ""),
            Json("a JSON string", "\"make a video\"", 400, ""),
            Json("empty", "", 400, ""),
            Case("binary", () => Body([0xFF, 0xD8, 0x00, 0x81, 0xFE, 0x7B], "application/json"), 400, ""),
            Case("UTF-16 instead of UTF-8", () => Body(Encoding.Unicode.GetBytes("""{"image":"https://example.com/cat.png","duration":"5"}"""), "application/json"), 400, ""),
            // No image for the default model (duration has a default since models could be chosen).
            Json("unknown fields only", """{"colour":"blue","length":5}""", 400, "image"),
            Json("a duplicate field", $$"""{"image":"{{Png640}}","duration":"5","duration":"10"}""", 400, ""),
            Json("nested too deep", new string('[', 2000) + new string(']', 2000), 400, ""),
            Json("webhook_url, which is ours", $$"""{"image":"{{Png640}}","duration":"5","webhook_url":"https://example.com/"}""", 400, "webhook_url"),
            Json("an image that is not base64", """{"image":"not base64 at all!","duration":"5"}""", 400, "image"),
            Json("huge (over Api:MaxJsonBytes)", $$"""{"image":"{{new string('A', 400_000)}}","duration":"5"}""", 413, null),
            Json("a 100×100 image", Request(TestImages.Png(100, 100)), 400, "image", contains: "100×100 pixels"),
            Json("a GIF", Request([.. "GIF89a"u8, .. new byte[100]]), 400, "image", contains: "GIF"),
            Json("an image of 3:1", Request(TestImages.Png(1500, 500)), 400, "image", contains: "aspect ratio"),
            Json("a mask of another aspect ratio", Request(TestImages.Png(640, 480), staticMask: TestImages.Png(500, 500)), 400, "static_mask", contains: "aspect ratio"),
            Json("a mask that is not an image", Request(TestImages.Png(640, 480), staticMask: "just text"u8.ToArray()), 400, "static_mask"),
        ]);
    }

    [Fact]
    public async Task Malformed_multipart_and_other_bodies_are_refused_as_problems()
    {
        await RunAsync(
        [
            Case("form-urlencoded", () => new FormUrlEncodedContent(new Dictionary<string, string> { ["image"] = Png640, ["duration"] = "5" }), 415, null),
            Case("text/plain", () => Body("make a video of a cat"u8.ToArray(), "text/plain"), 415, null),
            Case("no content type", () => new ByteArrayContent("""{"duration":"5"}"""u8.ToArray()), 415, null),
            Case("XML", () => Body("<video><duration>5</duration></video>"u8.ToArray(), "application/xml"), 415, null),
            Case("multipart without a boundary", () => Body("--x\r\n"u8.ToArray(), "multipart/form-data"), 400, null),
            Case("multipart cut short", () => Body(Encoding.ASCII.GetBytes("--cut\r\nContent-Disposition: form-data; name=\"duration\"\r\n\r\n5"), "multipart/form-data; boundary=cut"), 400, null),
            Case("multipart, an image part that is text", () => Form(image: "a picture of a cat"u8.ToArray()), 400, "image"),
            Case("multipart, a 100×100 image", () => Form(image: TestImages.Png(100, 100)), 400, "image", contains: "100×100 pixels"),
            Case("multipart, a JPEG of 1:3", () => Form(image: TestImages.Jpeg(400, 1200)), 400, "image", contains: "aspect ratio"),
            Case("multipart, a mask of another resolution than the other", () => Form(image: TestImages.Png(1000, 600), parts: [("static_mask", TestImages.Png(500, 300)), ("dynamic_masks[0].mask", TestImages.Png(1000, 600))], fields: [("dynamic_masks", """[{"trajectories":[{"x":1,"y":1}]}]""")]), 400, "dynamic_masks[0].mask", contains: "same resolution"),
            Case("multipart, cfg_scale not a number", () => Form(fields: [("cfg_scale", "high")]), 400, "cfg_scale"),
            Case("multipart, dynamic_masks not JSON", () => Form(fields: [("dynamic_masks", "[{")]), 400, "dynamic_masks"),
            Case("multipart, a duplicate field", () => Form(fields: [("duration", "10")]), 400, "duration"),
            Case("multipart, a field over Api:MaxFieldBytes", () => Form(fields: [("prompt", new string('p', 5000))]), 413, null),
            // With Expect: 100-continue, as curl sends a large body: the 413 comes before the body is sent (without it the
            // answer may meet a client still sending, which then sees the connection closed).
            Case("multipart, a body over Api:MaxRequestBytes", () => Form(image: TestImages.Png(640, 480, totalBytes: 1_100_000)), 413, null, headers: [("Expect", "100-continue")]),
        ]);
    }

    [Fact]
    public async Task Bad_headers_methods_and_routes_are_answered_as_problems()
    {
        await RunAsync(
        [
            Case("an Idempotency-Key over 256 characters", () => Body(Encoding.UTF8.GetBytes(Request(TestImages.Png(640, 480))), "application/json"), 400, "Idempotency-Key", headers: [("Idempotency-Key", new string('k', 257))]),
            Case("a Content-Type that is no media type", () => Body("{}"u8.ToArray(), "application/json"), 415, null, headers: [("Content-Type", "??")]),
            Case("a method the route does not take", () => null, 405, null, method: HttpMethod.Delete),
            Case("an unknown route", () => null, 404, null, method: HttpMethod.Get, path: "/api/nothing-here"),
            Case("a job id that cannot be one", () => null, 404, null, method: HttpMethod.Get, path: "/api/videos/..%2F..%2Fetc"),
            Case("a job that does not exist", () => null, 404, null, method: HttpMethod.Get, path: $"/api/videos/{JobIds.New()}"),
            Case("cancel of a job that does not exist", () => null, 404, null, path: $"/api/videos/{JobIds.New()}/cancel"),
        ]);
    }

    [Fact]
    public async Task A_malformed_chunked_body_is_a_400_problem_and_the_host_goes_on()
    {
        await using var host = await StartAsync();

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host.Client.BaseAddress!.Host, host.Client.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /api/videos HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\n{\"duration\":\"5\"}\r\n0\r\n\r\n"));
        var answer = await new StreamReader(stream).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", answer, StringComparison.Ordinal);
        await AssertNothingStartedAndStillServingAsync(host);
    }

    [Fact]
    public async Task Malformed_webhooks_are_refused_as_problems_and_wake_no_job()
    {
        await using var host = await StartAsync();
        var tokens = host.Host.App.Services.GetRequiredService<WebhookToken>();
        var secret = host.Host.App.Configuration["Freepik:WebhookSecret"]!;
        var id = JobIds.New();
        var failures = new List<string>();

        async Task ExpectAsync(string name, string? token, byte[] body, int status, bool signed = true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/webhooks/freepik/{id}" + (token is null ? "" : $"?token={token}")) { Content = Body(body, "application/json") };
            if (signed)
            {
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                request.Headers.Add("webhook-id", "msg-1");
                request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, "msg-1", timestamp, body));
            }

            using var response = await host.Client.SendAsync(request);
            failures.AddRange(await CheckProblemAsync(name, response, status, field: null, contains: null));
        }

        var valid = """{"task_id":"t-1","status":"COMPLETED","generated":["https://example.com/v.mp4"]}"""u8.ToArray();
        await ExpectAsync("no token", null, valid, 401);
        await ExpectAsync("a wrong token", "forged", valid, 401);
        await ExpectAsync("no signature", tokens.Create(id), valid, 401, signed: false);
        await ExpectAsync("truncated JSON", tokens.Create(id), """{"task_id":"t-1","status":"COMP"""u8.ToArray(), 400);
        await ExpectAsync("wrong types", tokens.Create(id), """{"task_id":7,"status":true}"""u8.ToArray(), 400);
        await ExpectAsync("binary", tokens.Create(id), [0xFF, 0x00, 0xFE, 0x81], 400);
        await ExpectAsync("a JSON array", tokens.Create(id), "[]"u8.ToArray(), 400);
        await ExpectAsync("over Api:MaxWebhookBytes", tokens.Create(id), Encoding.UTF8.GetBytes($$"""{"task_id":"t-1","status":"COMPLETED","generated":["{{new string('v', 5000)}}"]}"""), 400);
        await ExpectAsync("a job that does not exist", tokens.Create(id), valid, 404);

        Assert.Empty(failures);
        await AssertNothingStartedAndStillServingAsync(host);
    }

    [Fact]
    public async Task Queue_messages_of_every_malformed_kind_go_to_the_poison_queue_with_their_reason_and_the_reader_goes_on()
    {
        await using var host = await StartAsync();
        var raw = Queue(host, "", QueueMessageEncoding.None);
        await raw.CreateIfNotExistsAsync();
        var cases = new (string Name, string Text, string Reason)[]
        {
            ("plain text, not base64", "start a video please", "JSON"),
            ("base64 of text that is not JSON", Convert.ToBase64String("start a video please"u8), "JSON"),
            ("base64 of binary", Convert.ToBase64String([0xFF, 0xD8, 0x00, 0x81, 0xFE, 0x7B, 0x00]), ""),
            ("empty", "", "empty"),
            ("a JSON array", "[1,2,3]", "JSON object"),
            ("a huge JSON string", "\"" + new string('a', 60_000) + "\"", "JSON object"),
            ("wrong fields, plain JSON", """{"image":"http://example.com/cat.png","duration":"7"}""", "duration"),
            ("wrong fields, base64", Convert.ToBase64String("""{"duration":7}"""u8), "duration"),
            ("a 100×100 image, nearly 64 KiB", $$"""{"image":"{{Convert.ToBase64String(TestImages.Png(100, 100, totalBytes: 40_000))}}","duration":"5"}""", "100×100 pixels"),
            ("an idempotency_key that is no string", """{"duration":"5","idempotency_key":{"a":1}}""", "idempotency_key"),
        };

        foreach (var (_, text, _) in cases)
        {
            await raw.SendMessageAsync(text);
        }

        var poison = Queue(host, "-poison", QueueMessageEncoding.Base64);
        await TestDevHost.EventuallyAsync(async () => await poison.ExistsAsync() && (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount >= cases.Length);
        var poisoned = (await poison.ReceiveMessagesAsync(32)).Value.Select(message => JsonDocument.Parse(message.MessageText).RootElement.Clone()).ToList();

        Assert.Equal(cases.Length, poisoned.Count);
        foreach (var entry in poisoned)
        {
            var problem = entry.GetProperty("problem");
            Assert.Equal(400, problem.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        }

        foreach (var (name, _, reason) in cases)
        {
            Assert.True(poisoned.Any(entry => entry.GetProperty("problem").GetRawText().Contains(reason, StringComparison.Ordinal)), $"{name}: no poison message says '{reason}'");
        }

        // The reader is still there: a valid request as plain JSON, as JavaScript's SDK sends it, starts a job.
        var key = "after-the-bad-ones-" + Guid.NewGuid();
        await raw.SendMessageAsync($$"""{"image":"{{Png640}}","prompt":"still reading","duration":"5","idempotency_key":"{{key}}"}""");
        Assert.Equal("Completed", (await host.WaitUntilFinishedAsync(await host.StartedAsync(JobIds.FromIdempotencyKey(key)))).GetProperty("status").GetString());
        Assert.Equal(1, host.Simulator.Calls.CreateAttempts);
    }

    private async Task RunAsync(IReadOnlyList<BadRequest> cases)
    {
        await using var host = await StartAsync();
        var failures = new List<string>();
        foreach (var bad in cases)
        {
            using var request = new HttpRequestMessage(bad.Method ?? HttpMethod.Post, bad.Path ?? "/api/videos") { Content = bad.Content() };
            foreach (var (name, value) in bad.Headers ?? [])
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content!.Headers.Remove(name);
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await host.Client.SendAsync(request);
            failures.AddRange(await CheckProblemAsync(bad.Name, response, bad.Status, bad.Field, bad.Contains));
        }

        Assert.Empty(failures);
        await AssertNothingStartedAndStillServingAsync(host);
    }

    /// <summary>The documented answer: the status, as application/problem+json, with a title and what to do (a detail, or the field's message).</summary>
    private static async Task<IEnumerable<string>> CheckProblemAsync(string name, HttpResponseMessage response, int status, string? field, string? contains)
    {
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != status || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return [$"{name}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {text}"];
        }

        var problem = JsonDocument.Parse(text).RootElement;
        var errors = problem.TryGetProperty("errors", out var map) ? map : default;
        var says = errors.ValueKind == JsonValueKind.Object ? errors.GetRawText() : problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
        return (problem.GetProperty("status").GetInt32() != status, string.IsNullOrEmpty(problem.GetProperty("title").GetString()), says.Length == 0,
                field is not null && (errors.ValueKind != JsonValueKind.Object || !errors.TryGetProperty(field, out _)),
                contains is not null && !says.Contains(contains, StringComparison.Ordinal)) switch
        {
            (false, false, false, false, false) => [],
            _ => [$"{name}: expected {status} naming '{field}' saying '{contains}', got {text}"],
        };
    }

    /// <summary>No orchestration, no Freepik create, no blob left behind; health answers and a valid request still starts a job.</summary>
    private async Task AssertNothingStartedAndStillServingAsync(TestDevHost host)
    {
        await foreach (var instance in host.Host.Durable.GetAllInstancesAsync())
        {
            Assert.Fail($"A refused input started {instance.InstanceId}.");
        }

        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
        var container = azurite.CreateServiceClient().GetBlobContainerClient(host.Host.App.Configuration["Storage:InputContainer"]);
        if (await container.ExistsAsync())
        {
            await foreach (var blob in container.GetBlobsAsync())
            {
                Assert.Fail($"A refused input left {blob.Name} in storage.");
            }
        }

        using var health = await host.Client.GetAsync(new Uri("/api/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Completed", (await host.WaitUntilFinishedAsync(await host.StartAsync("after the bad input"))).GetProperty("status").GetString());
    }

    private Task<TestDevHost> StartAsync() => TestDevHost.StartAsync(azurite, Settings("in" + Guid.NewGuid().ToString("N")[..20]));

    private static QueueClient Queue(TestDevHost host, string suffix, QueueMessageEncoding encoding)
        => new(host.Host.App.Configuration["Storage:ConnectionString"], host.Host.App.Configuration["Pipelines:RequestQueue"] + suffix, new QueueClientOptions { MessageEncoding = encoding });

    private static string Request(byte[] image, byte[]? staticMask = null)
        => JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["image"] = Convert.ToBase64String(image),
            ["static_mask"] = staticMask is null ? null : Convert.ToBase64String(staticMask),
            ["prompt"] = "a cat",
            ["duration"] = "5",
        });

    private static ByteArrayContent Body(byte[] bytes, string contentType)
        => new(bytes) { Headers = { ContentType = MediaTypeHeaderValue.Parse(contentType) } };

    /// <summary>A multipart start request: a valid image and duration unless replaced, plus extra parts and fields.</summary>
    private static MultipartFormDataContent Form(byte[]? image = null, (string Name, byte[] Bytes)[]? parts = null, (string Name, string Value)[]? fields = null)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(image ?? TestImages.Png(640, 480)), "image", "cat.png" }, { new StringContent("5"), "duration" } };
        foreach (var (name, bytes) in parts ?? [])
        {
            form.Add(new ByteArrayContent(bytes), name, name + ".png");
        }

        foreach (var (name, value) in fields ?? [])
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private static BadRequest Json(string name, string body, int status, string? field, string? contains = null)
        => Case(name, () => Body(Encoding.UTF8.GetBytes(body), "application/json"), status, field, contains: contains);

    private static BadRequest Case(string name, Func<HttpContent?> content, int status, string? field, string? contains = null, (string, string)[]? headers = null, HttpMethod? method = null, string? path = null)
        => new(name, content, status, field, contains, headers, method, path);

    private sealed record BadRequest(string Name, Func<HttpContent?> Content, int Status, string? Field, string? Contains, (string Name, string Value)[]? Headers, HttpMethod? Method, string? Path);
}
