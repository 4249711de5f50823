using System.Text.Json;
using KlingFunctions.Cli;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Testing;

namespace KlingFunctions.DevHost.Tests;

/// <summary><c>kling</c> driven against the DevHost on a real socket, as a person or a script would run it.</summary>
[Collection(UsesAzurite.Name)]
public sealed class CliTests(AzuriteFixture azurite) : IDisposable
{
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("kling-cli-");

    [Fact]
    public async Task Create_with_wait_shows_progress_downloads_the_video_and_exits_0()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var video = Path.Combine(folder.FullName, "video.mp4");

        var run = await RunAsync(host, "create", Image(640, 480), "--prompt", "a cat surfing", "--duration", "5", "--cfg", "0.5", "--wait", "--out", video);

        Assert.Equal(ExitCodes.Completed, run.Exit);
        Assert.Contains("Generating", run.Error, StringComparison.Ordinal);
        Assert.Contains("Freepik", run.Error, StringComparison.Ordinal);
        Assert.Contains("webhooks", run.Error, StringComparison.Ordinal);
        var task = Assert.Single(host.Simulator.Tasks);
        using var http = new HttpClient();
        Assert.Equal(await http.GetByteArrayAsync(task.Generated[0]), await File.ReadAllBytesAsync(video));
    }

    [Fact]
    public async Task Create_prints_the_job_view_as_JSON_and_get_reads_it_back()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        var created = await RunAsync(host, "create", Image(640, 480), "--prompt", "a quiet lake", "--idempotency-key", "cli-key-1", "--json");
        var id = JsonDocument.Parse(created.Output).RootElement.GetProperty("id").GetString()!;
        var again = await RunAsync(host, "create", Image(640, 480), "--prompt", "a quiet lake", "--idempotency-key", "cli-key-1", "--json");
        await host.WaitUntilFinishedAsync(id);
        var read = await RunAsync(host, "get", id, "--json");

        Assert.Equal(ExitCodes.Completed, created.Exit);
        Assert.Equal(id, JsonDocument.Parse(again.Output).RootElement.GetProperty("id").GetString());
        Assert.Equal(ExitCodes.Completed, read.Exit);
        Assert.Equal("Completed", JsonDocument.Parse(read.Output).RootElement.GetProperty("status").GetString());
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task An_image_too_small_for_Kling_is_refused_before_any_job_with_the_invalid_input_code_naming_it()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        var run = await RunAsync(host, "create", Image(100, 100), "--prompt", "too small", "--wait", "--json");

        Assert.Equal(ExitCodes.InvalidInput, run.Exit);
        Assert.Contains("100×100", run.Output + run.Error, StringComparison.Ordinal);
        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task A_job_that_Freepik_fails_exits_with_the_failed_code_and_names_the_error()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        host.Simulator.Script("doomed", new TaskScript { Ending = TaskEnding.Failed });

        var run = await RunAsync(host, "create", Image(640, 480), "--prompt", "a doomed video", "--wait", "--out", Path.Combine(folder.FullName, "none.mp4"));

        Assert.Equal(ExitCodes.Failed, run.Exit);
        Assert.Contains("FreepikFailed", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_canceled_job_exits_with_the_canceled_code_when_watched()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        host.Simulator.Script("slow", new TaskScript { InProgressAfter = TimeSpan.FromSeconds(30), CompletedAfter = TimeSpan.FromSeconds(60) });
        var id = await host.StartAsync("a slow video");

        var cancel = await RunAsync(host, "cancel", id);
        var watch = await RunAsync(host, "watch", id);

        Assert.Equal(ExitCodes.Completed, cancel.Exit);
        Assert.Equal(ExitCodes.Canceled, watch.Exit);
        Assert.Equal(ExitCodes.AlreadyFinished, (await RunAsync(host, "cancel", id)).Exit);
    }

    [Fact]
    public async Task Invalid_input_exits_with_the_invalid_input_code_and_names_the_field()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        var refused = await RunAsync(host, "create", Image(640, 480), "--prompt", "x", "--cfg", "2");
        var badDuration = await RunAsync(host, "create", Image(640, 480), "--prompt", "x", "--duration", "7");
        var badTrajectory = await RunAsync(host, "create", Image(640, 480), "--prompt", "x", "--dynamic-mask", Image(640, 480), "--trajectory", "1;2");

        Assert.Equal(ExitCodes.InvalidInput, refused.Exit);
        Assert.Contains("cfg_scale", refused.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidInput, badDuration.Exit);
        Assert.Equal(ExitCodes.InvalidInput, badTrajectory.Exit);
        Assert.Equal(0, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task A_dynamic_mask_with_its_trajectory_reaches_Freepik()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        var run = await RunAsync(host, "create", Image(640, 480), "--prompt", "the ball rolls", "--dynamic-mask", Image(640, 480), "--trajectory", "10,20", "30,40", "--static-mask", Image(640, 480), "--wait", "--out", Path.Combine(folder.FullName, "ball.mp4"));

        Assert.Equal(ExitCodes.Completed, run.Exit);
        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task A_model_with_an_end_frame_and_a_model_from_a_prompt_alone_each_get_their_own_fields()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        var framed = await RunAsync(host, "create", Image(640, 480), "--model", "kling-v2-1-pro", "--end-image", Image(640, 480), "--prompt", "from one frame to the next", "--wait", "--out", Path.Combine(folder.FullName, "framed.mp4"));
        var spoken = await RunAsync(host, "create", "--model", "kling-v3-std", "--prompt", "a storm at sea", "--duration", "12", "--aspect-ratio", "9:16", "--generate-audio", "false", "--wait", "--out", Path.Combine(folder.FullName, "storm.mp4"));

        Assert.Equal((ExitCodes.Completed, ExitCodes.Completed), (framed.Exit, spoken.Exit));
        var pro = host.Simulator.Tasks.Single(task => task.Model == "kling-v2-1-pro").Body;
        Assert.Contains("/end_image.png?", pro["image_tail"]!.GetValue<string>(), StringComparison.Ordinal);
        var v3 = host.Simulator.Tasks.Single(task => task.Model == "kling-v3-std").Body;
        Assert.Equal(("12", "9:16", false), (v3["duration"]!.GetValue<string>(), v3["aspect_ratio"]!.GetValue<string>(), v3["generate_audio"]!.GetValue<bool>()));
        Assert.False(v3.ContainsKey("start_image_url"));
    }

    [Fact]
    public async Task Usage_prints_the_days_creates_and_a_create_past_the_limit_exits_with_its_own_code()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Freepik:DailyCreateLimit"] = "1" });

        var first = await RunAsync(host, "create", Image(640, 480), "--prompt", "the one create of the day", "--wait", "--out", Path.Combine(folder.FullName, "one.mp4"));
        var refused = await RunAsync(host, "create", Image(640, 480), "--prompt", "one too many");
        var usage = await RunAsync(host, "usage");
        var json = await RunAsync(host, "usage", "--json");

        Assert.Equal((ExitCodes.Completed, ExitCodes.DailyLimitReached), (first.Exit, refused.Exit));
        Assert.Contains("429", refused.Error, StringComparison.Ordinal);
        Assert.Contains("1 of 1 Freepik creates used, 0 left · kling-v2-1-std 1", usage.Output, StringComparison.Ordinal);
        Assert.Equal(0, JsonDocument.Parse(json.Output).RootElement.GetProperty("remaining").GetInt32());
    }

    [Fact]
    public async Task Models_lists_every_model_with_its_fields_and_marks_the_default()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        var run = await RunAsync(host, "models");

        Assert.Equal(ExitCodes.Completed, run.Exit);
        var lines = run.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Freepik.KlingModels.All.Count, lines.Length);
        Assert.StartsWith("kling-v2-1-std     Kling 2.1 Standard (default): image*, prompt, negative_prompt, duration 5|10", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, line => line.StartsWith("kling-v3-pro", StringComparison.Ordinal) && line.Contains("also from a prompt alone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_job_exits_with_the_not_found_code_and_an_unreachable_API_with_its_own()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        var unknown = await RunAsync(host, "get", "0123456789abcdef0123456789abcdef");
        var unreachable = await KlingCommand.RunAsync(["get", "x", "--base-url", $"http://127.0.0.1:{Azurite.AzuriteProcess.FreePort()}"], new StringWriter(), new StringWriter(), _ => null);

        Assert.Equal(ExitCodes.NotFound, unknown.Exit);
        Assert.Equal(ExitCodes.Unavailable, unreachable);
    }

    [Fact]
    public async Task Help_for_a_command_lists_its_options_and_exits_0()
    {
        var output = new StringWriter();

        var exit = await KlingCommand.RunAsync(["create", "--help"], output, new StringWriter(), _ => null);

        Assert.Equal(0, exit);
        Assert.Contains("--dynamic-mask", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(ExitCodes.InvalidInput, await KlingCommand.RunAsync([], new StringWriter(), new StringWriter(), _ => null));
    }

    [Fact]
    public async Task The_function_key_comes_from_the_environment_unless_given()
    {
        using var handler = new RecordingHandler();
        await KlingCommand.RunAsync(["get", "some-id"], new StringWriter(), new StringWriter(), name => name == KlingCommand.KeyVariable ? "from-env" : null, handler);
        await KlingCommand.RunAsync(["get", "some-id", "--key", "from-option"], new StringWriter(), new StringWriter(), name => name == KlingCommand.KeyVariable ? "from-env" : null, handler);

        Assert.Equal(["from-env", "from-option"], handler.Keys);
        Assert.All(handler.Uris, uri => Assert.Equal("http://localhost:7071/api/videos/some-id", uri));
    }

    public void Dispose() => folder.Delete(recursive: true);

    private string Image(int width, int height)
    {
        var path = Path.Combine(folder.FullName, $"{width}x{height}-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, TestImages.Png(width, height));
        return path;
    }

    [Fact]
    public async Task List_prints_the_most_recent_jobs_first_as_columns()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var older = await host.StartAsync("the older one");
        var newer = await host.StartAsync("the newer one");

        var run = await RunAsync(host, "list");

        Assert.Equal(ExitCodes.Completed, run.Exit);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("CREATED (UTC)", lines[0], StringComparison.Ordinal);
        Assert.Contains(newer, lines[1], StringComparison.Ordinal);
        Assert.EndsWith("the newer one", lines[1].TrimEnd(), StringComparison.Ordinal);
        Assert.Contains(older, lines[2], StringComparison.Ordinal);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task List_pages_with_the_continuation_token_it_prints()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var older = await host.StartAsync("the older one");
        var newer = await host.StartAsync("the newer one");

        var first = await RunAsync(host, "list", "--top", "1", "--json");
        var token = first.Error.Split("--continuation-token ")[1].Trim();
        var second = await RunAsync(host, "list", "--top", "1", "--continuation-token", token, "--json");

        Assert.Equal(newer, JsonDocument.Parse(first.Output).RootElement.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Equal(older, JsonDocument.Parse(second.Output).RootElement.GetProperty("items")[0].GetProperty("id").GetString());
        Assert.DoesNotContain("More jobs", second.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--status", "Done")]
    [InlineData("--top", "0")]
    public async Task List_refuses_a_bad_status_or_size_with_the_invalid_input_code(string option, string value)
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        var run = await RunAsync(host, "list", option, value);

        Assert.Equal(ExitCodes.InvalidInput, run.Exit);
        Assert.NotEmpty(run.Error);
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(TestDevHost host, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await KlingCommand.RunAsync([.. args, "--base-url", host.Client.BaseAddress!.AbsoluteUri, "--interval", "0.1"], output, error, _ => null);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Answers 404 to everything and keeps the function key and address of each request.</summary>
    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<string?> Keys { get; } = [];

        public List<string> Uris { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Keys.Add(request.Headers.TryGetValues(KlingClient.FunctionKeyHeader, out var values) ? values.Single() : null);
            Uris.Add(request.RequestUri!.AbsoluteUri);
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound));
        }
    }
}
