using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using KlingFunctions.Http;
using KlingFunctions.Workflow;

namespace KlingFunctions.Cli;

/// <summary>
/// <c>kling create | get | watch | cancel | list</c>. Results go to standard output (a job view as JSON with
/// <c>--json</c>), progress and errors to standard error; the exit code says the outcome (<see cref="ExitCodes"/>).
/// </summary>
public static class KlingCommand
{
    public const string KeyVariable = "KLING_FUNCTION_KEY";
    public const string DefaultBaseUrl = "http://localhost:7071";

    private static readonly JsonSerializerOptions Indented = new(ApiJson.Options) { WriteIndented = true };

    /// <param name="environment">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<string, string?> environment, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default)
    {
        var baseUrl = new Option<Uri>("--base-url") { Description = "The API's address (a Functions app or the DevHost).", DefaultValueFactory = _ => new Uri(DefaultBaseUrl), CustomParser = AbsoluteUri, Recursive = true };
        var key = new Option<string?>("--key") { Description = $"A function key of the Functions app, sent as {KlingClient.FunctionKeyHeader} (default: ${KeyVariable}).", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print the job view as JSON.", Recursive = true };
        var interval = new Option<double>("--interval") { Description = "Seconds between reads while waiting.", DefaultValueFactory = _ => 2, Recursive = true };
        var outFile = new Option<string?>("--out") { Description = "Where to save the video (default: {id}.mp4).", Recursive = true };

        var image = new Argument<string>("IMAGE") { Description = "A JPEG or PNG file, or an https URL." };
        var prompt = new Option<string>("--prompt") { Description = "What should happen in the video.", Required = true };
        var duration = new Option<string>("--duration") { Description = "5 or 10 seconds.", DefaultValueFactory = _ => "5" };
        duration.AcceptOnlyFromAmong("5", "10");
        var negative = new Option<string?>("--negative") { Description = "What should not happen." };
        var cfg = new Option<double?>("--cfg") { Description = "How closely to follow the prompt, 0…1 (Freepik's default 0.5)." };
        var staticMask = new Option<FileInfo?>("--static-mask") { Description = "A mask of what stays still." };
        var dynamicMask = new Option<FileInfo?>("--dynamic-mask") { Description = "A mask of what moves, along --trajectory." };
        var trajectory = new Option<string[]>("--trajectory") { Description = "Points x,y of the dynamic mask's path.", AllowMultipleArgumentsPerToken = true };
        var callback = new Option<Uri?>("--callback") { Description = "A URL that receives the final job view.", CustomParser = AbsoluteUri };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "The same key returns the same job, never a second Freepik task." };
        var wait = new Option<bool>("--wait") { Description = "Follow the job until it ends, then download the video." };
        var id = new Argument<string>("ID") { Description = "The job's id." };
        var status = new Option<string?>("--status") { Description = "Only jobs with this status." };
        status.AcceptOnlyFromAmong(Enum.GetNames<JobStatus>());
        var top = new Option<int?>("--top") { Description = $"How many jobs, 1 to {JobListRequest.MaxTop} (default {JobListRequest.DefaultTop})." };
        var continuation = new Option<string?>("--continuation-token") { Description = "The token a previous page printed, to read the next page." };

        var create = new Command("create", "Start a video job from an image and a prompt.") { image, prompt, duration, negative, cfg, staticMask, dynamicMask, trajectory, callback, idempotencyKey, wait };
        var get = new Command("get", "Read a job.") { id };
        var watch = new Command("watch", "Follow a job until it ends, then download the video.") { id };
        var cancel = new Command("cancel", "Stop waiting for a job's video.") { id };
        var list = new Command("list", "List jobs, most recent first, a page at a time.") { status, top, continuation };
        var root = new RootCommand("kling: make videos with KlingFunctions (Freepik Kling 2.1 image-to-video).") { baseUrl, key, json, interval, outFile, create, get, watch, cancel, list };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync(parseError.Message);
            }

            return ExitCodes.InvalidInput;
        }

        // No command has an action of its own: an action here is --help or --version.
        if (parsed.Action is not null)
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        }

        using var http = new HttpClient(handler ?? new HttpClientHandler(), disposeHandler: handler is null) { BaseAddress = WithTrailingSlash(parsed.GetValue(baseUrl)!), Timeout = TimeSpan.FromMinutes(5) };
        var client = new KlingClient(http, parsed.GetValue(key) ?? environment(KeyVariable));
        var session = new Session(client, output, error, parsed.GetValue(json), TimeSpan.FromSeconds(Math.Max(0.1, parsed.GetValue(interval))), parsed.GetValue(outFile));
        try
        {
            var command = parsed.CommandResult.Command;
            if (command == create)
            {
                if (ReadTrajectory(parsed.GetValue(trajectory) ?? [], out var points) is { } invalid)
                {
                    await error.WriteLineAsync(invalid);
                    return ExitCodes.InvalidInput;
                }

                var options = new CreateOptions
                {
                    Image = parsed.GetValue(image)!,
                    Prompt = parsed.GetValue(prompt)!,
                    Duration = parsed.GetValue(duration),
                    NegativePrompt = parsed.GetValue(negative),
                    CfgScale = parsed.GetValue(cfg),
                    StaticMask = parsed.GetValue(staticMask),
                    DynamicMask = parsed.GetValue(dynamicMask),
                    Trajectory = points,
                    CallbackUrl = parsed.GetValue(callback),
                    IdempotencyKey = parsed.GetValue(idempotencyKey),
                };
                return await session.CreateAsync(options, parsed.GetValue(wait), cancellationToken);
            }

            if (command == list)
            {
                return await session.ListAsync(parsed.GetValue(status), parsed.GetValue(top), parsed.GetValue(continuation), cancellationToken);
            }

            var jobId = parsed.GetValue(id)!;
            return command == get ? await session.GetAsync(jobId, cancellationToken)
                : command == watch ? await session.WatchAsync(jobId, cancellationToken)
                : await session.CancelAsync(jobId, cancellationToken);
        }
        catch (FileNotFoundException exception)
        {
            await error.WriteLineAsync($"No such file: {exception.FileName}");
            return ExitCodes.InvalidInput;
        }
        catch (HttpRequestException exception)
        {
            await error.WriteLineAsync($"Could not reach {http.BaseAddress}: {exception.Message}");
            return ExitCodes.Unavailable;
        }
    }

    private static Uri AbsoluteUri(ArgumentResult result)
    {
        var value = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        result.AddError($"{result.Parent?.ToString() ?? "The option"} takes an absolute http or https URL; got '{value}'.");
        return null!;
    }

    /// <returns>An error message, or null when every point reads as <c>x,y</c>.</returns>
    private static string? ReadTrajectory(string[] values, out List<(int X, int Y)> points)
    {
        points = [];
        foreach (var value in values)
        {
            var parts = value.Split(',');
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var x) || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var y))
            {
                return $"--trajectory takes points as x,y (pixels), e.g. --trajectory 10,20 30,40; got '{value}'.";
            }

            points.Add((x, y));
        }

        return null;
    }

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    /// <summary>One invocation's client and output settings.</summary>
    private sealed class Session(KlingClient client, TextWriter output, TextWriter error, bool json, TimeSpan interval, string? outFile)
    {
        public async Task<int> CreateAsync(CreateOptions options, bool wait, CancellationToken cancellationToken)
        {
            var answer = await client.CreateAsync(options, cancellationToken);
            if (answer.Job is not { } job)
            {
                return await RefusedAsync(answer);
            }

            if (wait)
            {
                await error.WriteLineAsync($"Job {job.Id} started");
                return await WatchAsync(job.Id, cancellationToken);
            }

            await PrintAsync(job, job.Id);
            return ExitCodes.Completed;
        }

        public async Task<int> GetAsync(string id, CancellationToken cancellationToken)
        {
            var answer = await client.GetAsync(id, cancellationToken);
            if (answer.Job is not { } job)
            {
                return await RefusedAsync(answer);
            }

            await PrintAsync(job, JobWatcher.Describe(job));
            return ExitCodes.For(job.Status);
        }

        public async Task<int> WatchAsync(string id, CancellationToken cancellationToken)
        {
            var watcher = new JobWatcher(client, error, interval);
            var (job, last) = await watcher.WatchAsync(id, cancellationToken);
            if (job is null)
            {
                return await RefusedAsync(last);
            }

            if (job.Status == JobStatus.Completed)
            {
                await watcher.DownloadAsync(job, outFile ?? $"{job.Id}.mp4", cancellationToken);
            }

            await PrintAsync(job, JobWatcher.Describe(job));
            return ExitCodes.For(job.Status);
        }

        public async Task<int> CancelAsync(string id, CancellationToken cancellationToken)
        {
            var answer = await client.CancelAsync(id, cancellationToken);
            if (answer.Job is not { } job)
            {
                return await RefusedAsync(answer);
            }

            await PrintAsync(job, $"Cancel requested: {JobWatcher.Describe(job)}");
            return ExitCodes.Completed;
        }

        public async Task<int> ListAsync(string? status, int? top, string? continuationToken, CancellationToken cancellationToken)
        {
            var answer = await client.ListAsync(status, top, continuationToken, cancellationToken);
            if (answer.List is not { } page)
            {
                return await RefusedAsync(answer);
            }

            if (json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(page, Indented));
            }
            else
            {
                foreach (var line in JobTable.Lines(page.Items))
                {
                    await output.WriteLineAsync(line);
                }
            }

            if (page.ContinuationToken is { } next)
            {
                await error.WriteLineAsync($"More jobs: kling list --continuation-token {next}");
            }

            return ExitCodes.Completed;
        }

        private async Task PrintAsync(JobView job, string text)
            => await output.WriteLineAsync(json ? JsonSerializer.Serialize(job, Indented) : text);

        private async Task<int> RefusedAsync(ApiAnswer answer)
        {
            if (json && answer.Problem is { } problem)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(problem, Indented));
            }

            foreach (var line in answer.Describe())
            {
                await error.WriteLineAsync(line);
            }

            return answer.ExitCode;
        }
    }
}
