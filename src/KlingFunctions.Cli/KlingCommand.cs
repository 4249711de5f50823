using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using KlingFunctions.Http;
using KlingFunctions.Workflow;

namespace KlingFunctions.Cli;

/// <summary>
/// <c>kling create | get | watch | cancel | list | models | usage</c>. Results go to standard output (a job view as JSON with
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

        var image = new Argument<string?>("IMAGE") { Description = "A JPEG or PNG file, or an https URL; leave it out for a video from the prompt alone (on the models that make one).", Arity = ArgumentArity.ZeroOrOne };
        var prompt = new Option<string>("--prompt") { Description = "What should happen in the video.", Required = true };
        var model = new Option<string?>("--model") { Description = "The Kling model (kling models lists them; default: the service's Freepik:DefaultModel)." };
        var endImage = new Option<string?>("--end-image") { Description = "The last frame, a file or an https URL (the models that take one)." };
        var duration = new Option<string?>("--duration") { Description = "Seconds: 5 or 10 on most models, 3 to 15 on Kling 3 (default: the model's)." };
        var aspectRatio = new Option<string?>("--aspect-ratio") { Description = "16:9, 9:16 or 1:1 (the models that take one)." };
        var generateAudio = new Option<bool?>("--generate-audio") { Description = "true or false: a soundtrack (Kling 2.6 and 3)." };
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

        var create = new Command("create", "Start a video job from an image and a prompt, or a prompt alone.") { image, prompt, model, endImage, duration, aspectRatio, generateAudio, negative, cfg, staticMask, dynamicMask, trajectory, callback, idempotencyKey, wait };
        var get = new Command("get", "Read a job.") { id };
        var watch = new Command("watch", "Follow a job until it ends, then download the video.") { id };
        var cancel = new Command("cancel", "Ask a job to stop: it ends Canceled at its next wait (a submitted Freepik task still runs and is paid).") { id };
        var list = new Command("list", "List jobs, most recent first, a page at a time.") { status, top, continuation };
        var models = new Command("models", "List the Kling models and the fields each takes.");
        var usage = new Command("usage", "Today's Freepik creates (UTC) against the daily limit.");
        var root = new RootCommand("kling: make videos with KlingFunctions (Freepik's Kling models).") { baseUrl, key, json, interval, outFile, create, get, watch, cancel, list, models, usage };

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
                    Model = parsed.GetValue(model),
                    Image = parsed.GetValue(image),
                    EndImage = parsed.GetValue(endImage),
                    Prompt = parsed.GetValue(prompt)!,
                    Duration = parsed.GetValue(duration),
                    AspectRatio = parsed.GetValue(aspectRatio),
                    GenerateAudio = parsed.GetValue(generateAudio),
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

            if (command == models || command == usage)
            {
                return await session.ReadAsync(command == models ? "api/models" : "api/usage", command == models ? DescribeModels : DescribeUsage, cancellationToken);
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

    /// <summary><c>kling-v2-1-std  Kling 2.1 Standard (default)  image: image*, prompt, duration 5|10, …</c>: one line per model.</summary>
    private static IEnumerable<string> DescribeModels(JsonElement catalogue)
    {
        var defaultModel = catalogue.GetProperty("default").GetString();
        foreach (var item in catalogue.GetProperty("items").EnumerateArray())
        {
            var id = item.GetProperty("id").GetString();
            var fields = item.GetProperty("fields").EnumerateArray().Select(field =>
            {
                var name = field.GetProperty("name").GetString() + (field.GetProperty("required").GetBoolean() ? "*" : string.Empty);
                return field.TryGetProperty("enum", out var values) ? $"{name} {string.Join('|', values.EnumerateArray().Select(value => value.GetString()))}" : name;
            });
            yield return $"{id,-18} {item.GetProperty("name").GetString()}{(id == defaultModel ? " (default)" : string.Empty)}{(item.GetProperty("imageRequired").GetBoolean() ? string.Empty : ", also from a prompt alone")}: {string.Join(", ", fields)}";
        }
    }

    /// <summary><c>2026-12-04 (UTC): 37 of 100 Freepik creates used, 63 left · kling-v2-1-std 30, …</c></summary>
    private static IEnumerable<string> DescribeUsage(JsonElement usage)
    {
        var used = usage.GetProperty("used").GetInt32();
        var limit = usage.GetProperty("limit") is { ValueKind: JsonValueKind.Number } number ? $"{used} of {number.GetInt32()} Freepik creates used, {usage.GetProperty("remaining").GetInt32()} left" : $"{used} Freepik creates (no daily limit set)";
        var byModel = string.Join(", ", usage.GetProperty("byModel").EnumerateObject().Select(model => $"{model.Name} {model.Value.GetInt32()}"));
        yield return $"{usage.GetProperty("day").GetString()} (UTC): {limit}{(byModel.Length > 0 ? $" · {byModel}" : string.Empty)}";
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

        /// <summary>A read of other JSON than a job: as JSON with <c>--json</c>, else as <paramref name="describe"/> puts it.</summary>
        public async Task<int> ReadAsync(string path, Func<JsonElement, IEnumerable<string>> describe, CancellationToken cancellationToken)
        {
            var answer = await client.ReadAsync(path, cancellationToken);
            if (answer.Body is not { } body)
            {
                return await RefusedAsync(answer);
            }

            foreach (var line in json ? [JsonSerializer.Serialize(body, Indented)] : describe(body))
            {
                await output.WriteLineAsync(line);
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
