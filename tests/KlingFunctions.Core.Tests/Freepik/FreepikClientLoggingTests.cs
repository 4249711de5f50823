using System.Net;
using System.Net.Sockets;

namespace KlingFunctions.Freepik;

public sealed class FreepikClientLoggingTests
{
    [Fact]
    public async Task The_api_key_appears_in_no_log_line_and_no_result_at_trace_level()
    {
        using var host = new FreepikTestHost();
        host.Handler
            .Respond(HttpStatusCode.OK, """{"data":{"task_id":"t-1","status":"CREATED"}}""")
            .Respond(HttpStatusCode.BadRequest, """{"message":"bad","invalid_params":[{"name":"prompt","reason":"too long"}]}""")
            .Respond(HttpStatusCode.Unauthorized, """{"message":"Invalid API key"}""")
            .Respond(HttpStatusCode.InternalServerError)
            .Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused", new SocketException((int)SocketError.ConnectionRefused)))
            .Respond(HttpStatusCode.ServiceUnavailable)
            .Respond(HttpStatusCode.OK, """{"data":{"task_id":"t-1","status":"SOMETHING_NEW","generated":[]}}""")
            .Respond(HttpStatusCode.NotFound);
        var task = FreepikTestHost.Create("https://inputs.example.com/cat.png", "wave");
        var client = host.Client;

        FreepikResult[] results =
        [
            await client.CreateTaskAsync(task, CancellationToken.None),
            await client.CreateTaskAsync(task, CancellationToken.None),
            await client.CreateTaskAsync(task, CancellationToken.None),
            await client.CreateTaskAsync(task, CancellationToken.None),
            await client.CreateTaskAsync(task, CancellationToken.None),
            await client.GetTaskAsync(FreepikTestHost.Std, "t-1", DateTimeOffset.MinValue, CancellationToken.None),
            await client.GetTaskAsync(FreepikTestHost.Std, "t-1", DateTimeOffset.MinValue, CancellationToken.None),
        ];

        var records = host.Logs.GetSnapshot();
        // Every attempt was logged at the HTTP level too, so the checks below cover that logging.
        Assert.Equal(
            host.Handler.Requests.Count,
            records.Count(record => record.Category == typeof(FreepikRequestLogger).FullName && record.Message.StartsWith("Sending", StringComparison.Ordinal)));
        Assert.All(records, record =>
        {
            Assert.DoesNotContain(FreepikTestHost.ApiKey, record.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(FreepikTestHost.ApiKey, record.Exception?.ToString() ?? string.Empty, StringComparison.Ordinal);
            Assert.All(record.StructuredState ?? [], pair => Assert.DoesNotContain(FreepikTestHost.ApiKey, pair.Value ?? string.Empty, StringComparison.Ordinal));
            Assert.All(record.Scopes, scope => Assert.DoesNotContain(FreepikTestHost.ApiKey, scope?.ToString() ?? string.Empty, StringComparison.Ordinal));
        });
        Assert.All(results, result => Assert.DoesNotContain(FreepikTestHost.ApiKey, result.Message ?? string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outcomes_are_logged_with_the_task_id_and_status_code_as_named_values()
    {
        using var host = new FreepikTestHost();
        host.Handler.Respond(HttpStatusCode.OK, """{"data":{"task_id":"t-42","status":"CREATED"}}""").Respond(HttpStatusCode.BadRequest, """{"message":"bad"}""");
        var task = FreepikTestHost.Create("https://inputs.example.com/cat.png");

        await host.Client.CreateTaskAsync(task, CancellationToken.None);
        await host.Client.CreateTaskAsync(task, CancellationToken.None);

        var records = host.Logs.GetSnapshot().Where(record => record.Category == typeof(FreepikClient).FullName).ToList();
        Assert.Contains(records, record => record.GetStructuredStateValue("TaskId") == "t-42");
        Assert.Contains(records, record => record.GetStructuredStateValue("StatusCode") == "400"
            && record.GetStructuredStateValue("Outcome") == nameof(FreepikOutcome.Rejected));
    }
}
