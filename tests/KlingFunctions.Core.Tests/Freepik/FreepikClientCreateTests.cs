using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using KlingFunctions.Requests;

namespace KlingFunctions.Freepik;

public sealed class FreepikClientCreateTests : IDisposable
{
    private const string CreatedBody = """{"data":{"task_id":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","status":"CREATED"}}""";

    private static readonly FreepikCreateTask VideoTask = new(FreepikTestHost.Std, FreepikTestHost.Std.CreateBody(
        new Workflow.VideoParameters
        {
            Image = "https://inputs.example.com/cat.png?sig=abc",
            Prompt = "the cat turns its head",
            Duration = "5",
            DynamicMasks = [new DynamicMask { Mask = "https://inputs.example.com/mask.png", Trajectories = [new TrajectoryPoint { X = 1, Y = 2 }] }],
        },
        webhookUrl: null));

    private readonly FreepikTestHost _host = new();

    public void Dispose() => _host.Dispose();

    [Fact]
    public async Task Create_posts_the_task_as_json_without_null_fields_to_the_std_path()
    {
        _host.Handler.Respond(HttpStatusCode.OK, CreatedBody);

        await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        var request = Assert.Single(_host.Handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://api.freepik.com/v1/ai/image-to-video/kling-v2-1-std", request.Uri.AbsoluteUri);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body!);
        Assert.Equal(
            ["image", "prompt", "duration", "dynamic_masks"],
            body.RootElement.EnumerateObject().Select(property => property.Name));
        Assert.Equal(2, body.RootElement.GetProperty("dynamic_masks")[0].GetProperty("trajectories")[0].GetProperty("y").GetInt32());
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.Created)]
    [InlineData(HttpStatusCode.Accepted)]
    public async Task Create_returns_accepted_with_the_task_id_and_status(HttpStatusCode status)
    {
        _host.Handler.Respond(status, CreatedBody);

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Accepted, result.Outcome);
        Assert.Equal((int)status, result.StatusCode);
        Assert.Equal("046b6c7f-0b8a-43b9-b35d-6489e6daee91", result.Task!.TaskId);
        Assert.Equal(FreepikTaskStatus.Created, result.Task.Status);
        Assert.Empty(result.Task.Generated);
    }

    [Fact]
    public async Task Create_returns_rejected_with_the_message_of_a_plain_400_body()
    {
        _host.Handler.Respond(HttpStatusCode.BadRequest, """{"message":"Parameter 'duration' is not valid"}""");

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Rejected, result.Outcome);
        Assert.Equal(400, result.StatusCode);
        Assert.Equal("Parameter 'duration' is not valid", result.Message);
        Assert.Empty(result.InvalidParams);
    }

    [Fact]
    public async Task Create_returns_rejected_with_the_invalid_params_of_a_problem_400_body()
    {
        _host.Handler.Respond(
            HttpStatusCode.BadRequest,
            """{"message":"Your request parameters didn't validate.","invalid_params":[{"name":"cfg_scale","reason":"must be between 0 and 1"},{"name":"duration","reason":"must be 5 or 10"}]}""",
            response => response.Content.Headers.ContentType = new MediaTypeHeaderValue("application/problem+json"));

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Rejected, result.Outcome);
        Assert.Equal("Your request parameters didn't validate.", result.Message);
        Assert.Equal(
            [new FreepikInvalidParam("cfg_scale", "must be between 0 and 1"), new FreepikInvalidParam("duration", "must be 5 or 10")],
            result.InvalidParams);
    }

    [Fact]
    public async Task Create_returns_rejected_with_the_invalid_params_of_a_wrapped_problem_400_body()
    {
        _host.Handler.Respond(
            HttpStatusCode.BadRequest,
            """{"problem":{"message":"Your request parameters didn't validate.","invalid_params":[{"name":"image","reason":"Image must be at least 300x300"}]}}""");

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Rejected, result.Outcome);
        Assert.Equal("Your request parameters didn't validate.", result.Message);
        Assert.Equal([new FreepikInvalidParam("image", "Image must be at least 300x300")], result.InvalidParams);
    }

    [Fact]
    public async Task Create_returns_rejected_with_the_raw_text_of_a_400_body_that_is_not_json()
    {
        _host.Handler.Then(_ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadRequest)
        {
            Content = new StringContent("prompt too long"),
        }));

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Rejected, result.Outcome);
        Assert.Equal("prompt too long", result.Message);
    }

    [Fact]
    public async Task Create_returns_unauthorized_on_401()
    {
        _host.Handler.Respond(HttpStatusCode.Unauthorized, """{"message":"Invalid API key"}""");

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Unauthorized, result.Outcome);
        Assert.Equal("Invalid API key", result.Message);
    }

    [Fact]
    public async Task Create_returns_transient_with_retry_after_in_seconds_on_429_and_sends_one_request()
    {
        _host.Handler.Respond(
            HttpStatusCode.TooManyRequests,
            """{"message":"Too many requests"}""",
            response => response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7)));

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Create_returns_transient_with_retry_after_as_a_date_on_503_and_sends_one_request()
    {
        _host.Handler.Respond(
            HttpStatusCode.ServiceUnavailable,
            """{"message":"Service Unavailable. Please try again later."}""",
            response => response.Headers.RetryAfter = new RetryConditionHeaderValue(_host.Time.GetUtcNow().AddSeconds(90)));

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
        Assert.Equal(503, result.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(90), result.RetryAfter);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Create_returns_transient_on_503_without_retry_after_and_sends_one_request()
    {
        _host.Handler.Respond(HttpStatusCode.ServiceUnavailable).Respond(HttpStatusCode.OK, CreatedBody);

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
        Assert.Null(result.RetryAfter);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Create_returns_transient_when_the_connection_is_refused()
    {
        _host.Handler.Throw(new HttpRequestException(
            HttpRequestError.ConnectionError, "Connection refused (api.freepik.com:443)", new SocketException((int)SocketError.ConnectionRefused)))
            .Respond(HttpStatusCode.OK, CreatedBody);

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Create_returns_transient_when_the_host_name_does_not_resolve()
    {
        _host.Handler.Throw(new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known"));

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.Transient, result.Outcome);
    }

    [Fact]
    public async Task Create_returns_outcome_unknown_when_the_request_times_out_and_sends_one_request()
    {
        _host.Handler.Hang().Respond(HttpStatusCode.OK, CreatedBody);
        var call = _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);
        await _host.Handler.NextRequestAsync();

        _host.Time.Advance(_host.Options.CreateTimeout);
        var result = await call;

        Assert.Equal(FreepikOutcome.OutcomeUnknown, result.Outcome);
        Assert.Null(result.StatusCode);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Create_throws_when_the_caller_cancels()
    {
        _host.Handler.Hang();
        using var cancellation = new CancellationTokenSource();
        var call = _host.Client.CreateTaskAsync(VideoTask, cancellation.Token);
        await _host.Handler.NextRequestAsync();

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(_host.Handler.Requests);
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Create_returns_outcome_unknown_on_a_server_error_and_sends_one_request(HttpStatusCode status)
    {
        _host.Handler.Respond(status, """{"message":"Internal Server Error"}""").Respond(HttpStatusCode.OK, CreatedBody);

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.OutcomeUnknown, result.Outcome);
        Assert.Equal((int)status, result.StatusCode);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Create_returns_outcome_unknown_when_the_connection_is_reset_after_sending()
    {
        _host.Handler.Throw(new HttpRequestException(
            HttpRequestError.ResponseEnded, "The response ended prematurely.", new IOException("Connection reset by peer")))
            .Respond(HttpStatusCode.OK, CreatedBody);

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.OutcomeUnknown, result.Outcome);
        Assert.Single(_host.Handler.Requests);
    }

    [Fact]
    public async Task Create_returns_outcome_unknown_on_an_io_error()
    {
        _host.Handler.Throw(new IOException("Unable to read data from the transport connection"));

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.OutcomeUnknown, result.Outcome);
    }

    [Theory]
    [InlineData("<html>gateway</html>")]
    [InlineData("{}")]
    [InlineData("""{"data":{"status":"CREATED"}}""")]
    public async Task Create_returns_outcome_unknown_when_a_2xx_answer_has_no_task_id(string body)
    {
        _host.Handler.Respond(HttpStatusCode.OK, body);

        var result = await _host.Client.CreateTaskAsync(VideoTask, CancellationToken.None);

        Assert.Equal(FreepikOutcome.OutcomeUnknown, result.Outcome);
        Assert.Equal(200, result.StatusCode);
    }
}
