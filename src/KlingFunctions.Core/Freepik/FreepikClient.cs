using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Serialization;
using KlingFunctions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace KlingFunctions.Freepik;

/// <summary>
/// Freepik's Kling API over a typed HttpClient, at each model's own paths (<see cref="KlingModels"/>) (see <see cref="FreepikServiceCollectionExtensions"/> for
/// its base address, key header, timeouts and retries). Every expected answer becomes a <see cref="FreepikResult"/>.
/// </summary>
public sealed class FreepikClient(
    HttpClient httpClient,
    TimeProvider timeProvider,
    IOptions<FreepikOptions> options,
    ILogger<FreepikClient> logger) : IFreepikClient
{
    private const int MaxRawMessageLength = 500;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public async Task<FreepikResult> CreateTaskAsync(FreepikCreateTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);

        FreepikResult result;
        try
        {
            using var body = JsonBody.Of(task.Body, Json);
            using var response = await httpClient.PostAsync(task.Model.CreatePath, body, cancellationToken);
            result = await ReadCreateResponseAsync(response, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is TimeoutRejectedException or OperationCanceledException)
        {
            result = new FreepikResult
            {
                Outcome = FreepikOutcome.OutcomeUnknown,
                Message = $"Freepik did not answer the create call within {options.Value.CreateTimeout}; it may have created the task.",
            };
            logger.LogWarning("Freepik create timed out after {Timeout}: {Outcome}", options.Value.CreateTimeout, result.Outcome);
            return result;
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            result = NeverReached(exception)
                ? new FreepikResult
                {
                    Outcome = FreepikOutcome.Transient,
                    Message = "Freepik could not be reached; the create call was not sent.",
                }
                : new FreepikResult
                {
                    Outcome = FreepikOutcome.OutcomeUnknown,
                    Message = "The connection to Freepik failed during the create call; it may have created the task.",
                };
            logger.LogWarning(exception, "Freepik create failed without an answer: {Outcome}", result.Outcome);
            return result;
        }

        if (result.Outcome == FreepikOutcome.Accepted)
        {
            logger.LogInformation(
                "Freepik task {TaskId} created with status {TaskStatus} on model {Model}", result.Task!.TaskId, result.Task.Status.Value, task.Model.Id);
        }
        else
        {
            logger.LogWarning(
                "Freepik create on model {Model} answered {StatusCode}: {Outcome} {Message}", task.Model.Id, result.StatusCode, result.Outcome, result.Message);
        }

        return result;
    }

    public async Task<FreepikResult> GetTaskAsync(KlingModel model, string taskId, DateTimeOffset submittedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(taskId);

        FreepikResult result;
        try
        {
            using var response = await httpClient.GetAsync(model.StatusPathFor(taskId), cancellationToken);
            result = await ReadStatusResponseAsync(taskId, submittedAt, response, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is TimeoutRejectedException or OperationCanceledException
            or HttpRequestException or IOException)
        {
            result = new FreepikResult
            {
                Outcome = FreepikOutcome.Transient,
                Message = "Freepik did not answer the status call; try again later.",
            };
            logger.LogWarning(exception, "Freepik status of task {TaskId} failed without an answer: {Outcome}", taskId, result.Outcome);
            return result;
        }

        if (result.Outcome != FreepikOutcome.Accepted)
        {
            logger.LogWarning(
                "Freepik status of task {TaskId} answered {StatusCode}: {Outcome} {Message}",
                taskId, result.StatusCode, result.Outcome, result.Message);
        }
        else if (!result.Task!.Status.IsKnown)
        {
            logger.LogWarning(
                "Freepik task {TaskId} has unknown status {TaskStatus}; treating it as not finished", taskId, result.Task.Status.Value);
        }
        else
        {
            logger.LogDebug("Freepik task {TaskId} is {TaskStatus}", taskId, result.Task.Status.Value);
        }

        return result;
    }

    private async Task<FreepikResult> ReadCreateResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var statusCode = (int)response.StatusCode;
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.Accepted:
                var body = await ReadTaskAsync(response, cancellationToken);
                return body is { TaskId: { Length: > 0 } createdId }
                    ? Accepted(statusCode, createdId, body with { Status = body.Status ?? FreepikTaskStatus.Created.Value })
                    : new FreepikResult
                    {
                        Outcome = FreepikOutcome.OutcomeUnknown,
                        StatusCode = statusCode,
                        Message = "Freepik accepted the create call but its answer has no task id; it may have created the task.",
                    };
            case HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable:
                return await TransientAsync(response, cancellationToken);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                return await ErrorAsync(FreepikOutcome.Unauthorized, response, cancellationToken);
            case >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError and not HttpStatusCode.RequestTimeout:
                return await ErrorAsync(FreepikOutcome.Rejected, response, cancellationToken);
            default:
                // 500, other 5xx, 408 and anything unexpected: Freepik may have created the task before failing.
                return await ErrorAsync(FreepikOutcome.OutcomeUnknown, response, cancellationToken);
        }
    }

    private async Task<FreepikResult> ReadStatusResponseAsync(
        string taskId, DateTimeOffset submittedAt, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var statusCode = (int)response.StatusCode;
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var body = await ReadTaskAsync(response, cancellationToken);
                return body?.Status is { Length: > 0 }
                    ? Accepted(statusCode, body.TaskId is { Length: > 0 } id ? id : taskId, body)
                    : new FreepikResult
                    {
                        Outcome = FreepikOutcome.Transient,
                        StatusCode = statusCode,
                        Message = "Freepik answered the status call without a task status.",
                    };
            case HttpStatusCode.NotFound:
                // Freepik has been seen to answer 404 for a moment right after a create.
                return timeProvider.GetUtcNow() - submittedAt < options.Value.StatusNotFoundGrace
                    ? await ErrorAsync(FreepikOutcome.Transient, response, cancellationToken)
                    : await ErrorAsync(FreepikOutcome.NotFound, response, cancellationToken);
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                return await ErrorAsync(FreepikOutcome.Unauthorized, response, cancellationToken);
            case >= HttpStatusCode.BadRequest and < HttpStatusCode.InternalServerError
                and not HttpStatusCode.RequestTimeout and not HttpStatusCode.TooManyRequests:
                return await ErrorAsync(FreepikOutcome.Rejected, response, cancellationToken);
            default:
                return await TransientAsync(response, cancellationToken);
        }
    }

    private static FreepikResult Accepted(int statusCode, string taskId, FreepikTaskBody body) => new()
    {
        Outcome = FreepikOutcome.Accepted,
        StatusCode = statusCode,
        Task = new FreepikTask(taskId, new FreepikTaskStatus(body.Status!), body.Generated?.OfType<string>().ToArray() ?? []),
    };

    private async Task<FreepikResult> TransientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        => await ErrorAsync(FreepikOutcome.Transient, response, cancellationToken) with
        {
            RetryAfter = RetryAfterHeader.Read(response, timeProvider.GetUtcNow()),
        };

    private static async Task<FreepikResult> ErrorAsync(
        FreepikOutcome outcome, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var raw = await response.Content.ReadAsStringAsync(cancellationToken);
        var error = Deserialize<FreepikErrorBody>(raw);
        var problem = error?.Problem ?? error;
        return new FreepikResult
        {
            Outcome = outcome,
            StatusCode = (int)response.StatusCode,
            Message = problem?.Message ?? error?.Message ?? Truncate(raw) ?? response.ReasonPhrase,
            InvalidParams = (problem?.InvalidParams ?? error?.InvalidParams ?? [])
                .OfType<FreepikInvalidParamBody>()
                .Select(param => new FreepikInvalidParam(param.Name ?? string.Empty, param.Reason ?? string.Empty))
                .ToArray(),
        };
    }

    private static async Task<FreepikTaskBody?> ReadTaskAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        => Deserialize<FreepikTaskEnvelope>(await response.Content.ReadAsStringAsync(cancellationToken))?.Data;

    private static T? Deserialize<T>(string raw)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(raw, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // A non-JSON error body (a gateway's HTML page, plain text) is still the best explanation there is.
    private static string? Truncate(string raw)
        => string.IsNullOrWhiteSpace(raw) ? null : raw.Length <= MaxRawMessageLength ? raw : raw[..MaxRawMessageLength];

    /// <summary>True when the connection was never made, so nothing of the request left this machine.</summary>
    private static bool NeverReached(Exception exception)
    {
        if (exception is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError })
        {
            return true;
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }
}
