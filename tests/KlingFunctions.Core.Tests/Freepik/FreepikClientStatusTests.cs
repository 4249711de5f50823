using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace KlingFunctions.Freepik;

public sealed class FreepikClientStatusTests : IDisposable
{
    private const string TaskId = "046b6c7f-0b8a-43b9-b35d-6489e6daee91";
    private const string InProgressBody = """{"data":{"task_id":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","status":"IN_PROGRESS","generated":[]}}""";

    private readonly FreepikTestHost _host = new();

    public void Dispose() => _host.Dispose();

    /// <summary>Submitted long enough ago that a 404 means the task does not exist.</summary>
    private DateTimeOffset LongAgo => _host.Time.GetUtcNow().AddHours(-1);

    [Fact]
    public async Task Get_reads_the_shared_kling_v2_1_status_path_with_the_id_escaped()
    {
        _host.Handler.Respond(HttpStatusCode.OK, InProgressBody);

        await _host.Client.GetTaskAsync(FreepikTestHost.Std, "abc/../def 1", LongAgo, CancellationToken.None);

        var request = Assert.Single(_host.Handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("https://api.freepik.com/v1/ai/image-to-video/kling-v2-1/abc%2F..%2Fdef%201", request.Uri.AbsoluteUri);
    }

    [Fact]
    public async Task Get_returns_the_completed_task_with_its_generated_urls()
    {
        _host.Handler.Respond(
            HttpStatusCode.OK,
            """{"data":{"task_id":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","status":"COMPLETED","generated":["https://cdn.freepik.com/v.mp4"]}}""");

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Accepted, result.Outcome);
        Assert.Equal(TaskId, result.Task!.TaskId);
        Assert.Equal(FreepikTaskStatus.Completed, result.Task.Status);
        Assert.Equal(["https://cdn.freepik.com/v.mp4"], result.Task.Generated);
    }

    [Fact]
    public async Task Get_returns_an_empty_generated_list_when_freepik_omits_it()
    {
        _host.Handler.Respond(HttpStatusCode.OK, """{"data":{"task_id":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","status":"IN_PROGRESS"}}""");

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikTaskStatus.InProgress, result.Task!.Status);
        Assert.Empty(result.Task.Generated);
    }

    [Fact]
    public async Task Get_keeps_an_unknown_status_as_it_is_and_not_terminal()
    {
        _host.Handler.Respond(HttpStatusCode.OK, """{"data":{"task_id":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","status":"QUEUED_FOR_REVIEW","generated":[]}}""");

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Accepted, result.Outcome);
        Assert.Equal("QUEUED_FOR_REVIEW", result.Task!.Status.Value);
        Assert.False(result.Task.Status.IsTerminal);
    }

    [Fact]
    public async Task Get_returns_transient_when_a_200_answer_has_no_status()
    {
        _host.Handler.Respond(HttpStatusCode.OK, "{}");

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
    }

    [Fact]
    public async Task Get_retries_a_503_and_returns_the_task_that_follows()
    {
        _host.Handler.Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK, InProgressBody);

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Accepted, result.Outcome);
        Assert.Equal(FreepikTaskStatus.InProgress, result.Task!.Status);
        Assert.Equal(2, _host.Handler.Requests.Count);
    }

    [Fact]
    public async Task Get_retries_after_a_connection_failure()
    {
        _host.Handler
            .Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)))
            .Respond(HttpStatusCode.OK, InProgressBody);

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Accepted, result.Outcome);
        Assert.Equal(2, _host.Handler.Requests.Count);
    }

    [Fact]
    public async Task Get_waits_for_retry_after_before_retrying()
    {
        _host.Handler
            .Respond(HttpStatusCode.TooManyRequests, configure: response => response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)))
            .Respond(HttpStatusCode.OK, InProgressBody);

        var result = await _host.AdvanceUntilDoneAsync(
            _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None), TimeSpan.FromSeconds(1));

        Assert.Equal(FreepikOutcome.Accepted, result.Outcome);
        var requests = _host.Handler.Requests;
        Assert.Equal(2, requests.Count);
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromSeconds(5), $"Retried after {requests[1].At - requests[0].At}");
    }

    [Fact]
    public async Task Get_returns_transient_with_retry_after_when_it_is_longer_than_the_longest_wait()
    {
        _host.Handler
            .Respond(HttpStatusCode.TooManyRequests, configure: response => response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(2)))
            .Respond(HttpStatusCode.OK, InProgressBody);

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
        Assert.Equal(429, result.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(2), result.RetryAfter);
        Assert.Single(_host.Handler.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task Get_returns_transient_when_every_attempt_fails(HttpStatusCode status)
    {
        for (var attempt = 0; attempt <= _host.Options.StatusRetryAttempts; attempt++)
        {
            _host.Handler.Respond(status);
        }

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
        Assert.Equal((int)status, result.StatusCode);
        Assert.Equal(1 + _host.Options.StatusRetryAttempts, _host.Handler.Requests.Count);
    }

    [Fact]
    public async Task Get_returns_transient_when_every_attempt_times_out()
    {
        for (var attempt = 0; attempt <= _host.Options.StatusRetryAttempts; attempt++)
        {
            _host.Handler.Hang();
        }

        var call = _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);
        for (var attempt = 0; attempt <= _host.Options.StatusRetryAttempts; attempt++)
        {
            await _host.Handler.NextRequestAsync();
            _host.Time.Advance(_host.Options.StatusTimeout);
        }

        var result = await call;

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
        Assert.Null(result.StatusCode);
        var requests = _host.Handler.Requests;
        Assert.Equal(1 + _host.Options.StatusRetryAttempts, requests.Count);
        // Each attempt had its own StatusTimeout (the backoff is zero in these tests).
        Assert.All(requests.Skip(1).Zip(requests), pair => Assert.Equal(_host.Options.StatusTimeout, pair.First.At - pair.Second.At));
    }

    [Fact]
    public async Task Get_throws_when_the_caller_cancels()
    {
        _host.Handler.Hang();
        using var cancellation = new CancellationTokenSource();
        var call = _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, cancellation.Token);
        await _host.Handler.NextRequestAsync();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Get_returns_transient_on_404_shortly_after_submit()
    {
        _host.Handler.Respond(HttpStatusCode.NotFound, """{"message":"Not found"}""");

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, _host.Time.GetUtcNow().AddSeconds(-20), CancellationToken.None);

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
        Assert.Equal(404, result.StatusCode);
    }

    [Fact]
    public async Task Get_returns_not_found_on_404_after_the_grace_period()
    {
        _host.Handler.Respond(HttpStatusCode.NotFound, """{"message":"Not found"}""");

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, _host.Time.GetUtcNow() - _host.Options.StatusNotFoundGrace, CancellationToken.None);

        Assert.Equal(FreepikOutcome.NotFound, result.Outcome);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Get_returns_unauthorized_on_401()
    {
        _host.Handler.Respond(HttpStatusCode.Unauthorized, """{"message":"Missing API key"}""");

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Unauthorized, result.Outcome);
        Assert.Equal("Missing API key", result.Message);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Get_returns_rejected_on_400()
    {
        _host.Handler.Respond(HttpStatusCode.BadRequest, """{"message":"Parameter 'task-id' is not valid"}""");

        var result = await _host.Client.GetTaskAsync(FreepikTestHost.Std, TaskId, LongAgo, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Rejected, result.Outcome);
        Assert.Equal("Parameter 'task-id' is not valid", result.Message);
        Assert.Single(_host.Handler.Requests);
    }
}
