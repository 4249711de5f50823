using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlingFunctions.Freepik;

namespace KlingFunctions.FreepikSimulator;

/// <summary>
/// Freepik's Kling routes, every model's create, status and list paths (<see cref="KlingEndpoints"/>), answered by the
/// <see cref="FreepikSimulation"/> registered with AddFreepikSimulator. A task is found only at its own model's status
/// path, as the status path is not derivable from the create path.
/// </summary>
public static class FreepikSimulatorEndpoints
{
    /// <summary>Kling 2.1 Std's create (and list) path.</summary>
    public static readonly string CreatePath = KlingEndpoints.Original.CreatePath;

    /// <summary>Kling 2.1 Std's (and Pro's) status path.</summary>
    public static readonly string StatusPath = KlingEndpoints.Original.StatusPath;

    public const string VideoPath = "/videos/{taskId}.mp4";

    /// <summary>Maps the simulator's routes, optionally under <paramref name="prefix"/> (e.g. "/freepik") in a host app.</summary>
    public static IEndpointConventionBuilder MapFreepikSimulator(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(prefix);
        foreach (var endpoint in KlingEndpoints.All)
        {
            group.MapPost(endpoint.CreatePath, (HttpContext context, FreepikSimulation simulation) => CreateAsync(endpoint, context, simulation, prefix));
        }

        foreach (var statusPath in KlingEndpoints.All.Select(endpoint => endpoint.StatusPath).Distinct(StringComparer.Ordinal))
        {
            group.MapGet(statusPath, (string taskId, HttpContext context, FreepikSimulation simulation) => GetStatusAsync(statusPath, taskId, context, simulation));
        }

        foreach (var listPath in KlingEndpoints.All.Select(endpoint => endpoint.ListPath).Distinct(StringComparer.Ordinal))
        {
            group.MapGet(listPath, (HttpContext context, FreepikSimulation simulation) => List(listPath, context, simulation));
        }

        group.MapGet(VideoPath, DownloadVideo);
        return group;
    }

    private static async Task<IResult> CreateAsync(KlingEndpoint endpoint, HttpContext context, FreepikSimulation simulation, string prefix)
    {
        simulation.Counter.CreateAttempt();
        if (Unauthorized(context.Request, simulation.Options) is { } denied)
        {
            return denied;
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException)
        {
            return Invalid([new FreepikInvalidParam("body", "The request body is not valid JSON for this endpoint")]);
        }

        if (body is not JsonObject request)
        {
            return Invalid([new FreepikInvalidParam("body", "The request body must be a JSON object")]);
        }

        var problems = CreateTaskRules.Check(endpoint, request);
        if (problems.Count > 0)
        {
            simulation.Logger.LogInformation("Create on {Model} answered 400: {Problems}", endpoint.Model, string.Join("; ", problems.Select(problem => problem.Reason)));
            return Invalid(problems);
        }

        var (script, fault) = simulation.ClaimScript(request["prompt"] is JsonValue prompt && prompt.TryGetValue<string>(out var text) ? text : null);
        if (fault is { StatusCode: { } refusal, TaskCreated: false })
        {
            simulation.Logger.LogInformation("Create answered {StatusCode} as scripted; no task created", refusal);
            return await DelayAsync(fault, simulation, context) ?? Fault(refusal, fault.RetryAfter);
        }

        var task = simulation.TryCreateTask(endpoint, request, script, simulation.Options.PublicBaseUrl?.TrimEnd('/') ?? PublicBaseUrl(context.Request, prefix));
        if (task is null)
        {
            // Freepik documents no Retry-After for this 429, so none is sent.
            simulation.Logger.LogInformation("Create answered 429: {Limit} tasks are in flight", simulation.Options.MaxConcurrentTasks);
            return Fault(StatusCodes.Status429TooManyRequests, retryAfter: null);
        }

        if (fault is null)
        {
            return Created(task);
        }

        simulation.Logger.LogInformation("Create of task {TaskId} answered {StatusCode} after {Delay} as scripted", task.Id, fault.StatusCode ?? 200, fault.Delay);
        return await DelayAsync(fault, simulation, context)
            ?? (fault.StatusCode is { } code ? Fault(code, fault.RetryAfter) : Created(task));
    }

    private static async Task<IResult> GetStatusAsync(string statusPath, string taskId, HttpContext context, FreepikSimulation simulation)
    {
        simulation.Counter.StatusCall(taskId);
        if (Unauthorized(context.Request, simulation.Options) is { } denied)
        {
            return denied;
        }

        // Another model's status path does not know the task.
        if (!simulation.TryGetTask(taskId, out var task) || task.Endpoint.StatusPath != statusPath)
        {
            return NotFound();
        }

        if (task.NextStatusFault() is { } fault)
        {
            simulation.Logger.LogInformation(
                "Status of task {TaskId} answered {StatusCode} after {Delay} as scripted", taskId, fault.StatusCode ?? 200, fault.Delay);
            if (await DelayAsync(fault, simulation, context) is { } aborted)
            {
                return aborted;
            }

            if (fault.StatusCode is { } code)
            {
                return Fault(code, fault.RetryAfter);
            }
        }

        if (simulation.Time.GetUtcNow() - task.CreatedAt < task.Script.NotFoundFor)
        {
            return NotFound();
        }

        return Results.Json(new DataBody<TaskBody>(new(task.Id, task.Status.Value, task.Generated)), ApiJson.Options);
    }

    private static IResult List(string listPath, HttpContext context, FreepikSimulation simulation)
    {
        simulation.Counter.ListCall();
        return Unauthorized(context.Request, simulation.Options)
            ?? Results.Json(
                new DataBody<TaskSummary[]>([.. simulation.AllTasks.Where(task => task.Endpoint.ListPath == listPath).Select(task => new TaskSummary(task.Id, task.Status.Value))]),
                ApiJson.Options);
    }

    private static IResult DownloadVideo(string taskId, FreepikSimulation simulation)
    {
        simulation.Counter.VideoDownload();
        return simulation.TryGetTask(taskId, out var task) && task.Generated.Count > 0
            ? Results.Bytes(SampleVideo.Bytes, "video/mp4")
            : NotFound();
    }

    private static IResult? Unauthorized(HttpRequest request, FreepikSimulatorOptions options)
    {
        var key = request.Headers[options.ApiKeyHeader].ToString();
        if (key.Length == 0)
        {
            return Message(StatusCodes.Status401Unauthorized, "Missing API key");
        }

        return key == options.ApiKey ? null : Message(StatusCodes.Status401Unauthorized, "Invalid API key");
    }

    /// <summary>Waits a scripted delay; returns an empty result when the client gave up meanwhile.</summary>
    private static async Task<IResult?> DelayAsync(ResponseFault fault, FreepikSimulation simulation, HttpContext context)
    {
        if (fault.Delay <= TimeSpan.Zero)
        {
            return null;
        }

        try
        {
            await Task.Delay(fault.Delay, simulation.Time, context.RequestAborted);
            return null;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return Results.Empty;
        }
    }

    private static IResult Created(SimulatedTask task)
        => Results.Json(new DataBody<TaskSummary>(new(task.Id, FreepikTaskStatus.Created.Value)), ApiJson.Options);

    private static IResult Invalid(IReadOnlyList<FreepikInvalidParam> problems)
        => Results.Json(
            new ProblemBody("Your request parameters didn't validate.", problems),
            ApiJson.Options,
            "application/problem+json",
            StatusCodes.Status400BadRequest);

    private static IResult NotFound() => Message(StatusCodes.Status404NotFound, "Not found");

    private static IResult Fault(int statusCode, TimeSpan? retryAfter)
    {
        var message = Message(statusCode, statusCode switch
        {
            StatusCodes.Status429TooManyRequests => "Too many requests",
            StatusCodes.Status500InternalServerError => "Internal Server Error",
            StatusCodes.Status503ServiceUnavailable => "Service Unavailable",
            _ => "Simulated failure",
        });
        return retryAfter is { } delay ? new WithRetryAfter(message, delay) : message;
    }

    private static IResult Message(int statusCode, string message)
        => Results.Json(new MessageBody(message), ApiJson.Options, statusCode: statusCode);

    private static string PublicBaseUrl(HttpRequest request, string prefix)
        => $"{request.Scheme}://{request.Host}{request.PathBase}{prefix.TrimEnd('/')}";

    private sealed class WithRetryAfter(IResult inner, TimeSpan delay) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((long)Math.Ceiling(delay.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
