using System.Globalization;
using System.Text.Json;

namespace KlingFunctions.Tests;

/// <summary>The Functions host's settings the app relies on (README, "Running the Functions app locally").</summary>
public sealed class HostJsonTests
{
    private static readonly JsonElement Host = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "host.json"))).RootElement;

    private static JsonElement DurableTask => Host.GetProperty("extensions").GetProperty("durableTask");

    private static JsonElement Queues => Host.GetProperty("extensions").GetProperty("queues");

    [Fact]
    public void The_host_emits_OpenTelemetry_as_the_worker_does()
        => Assert.Equal("OpenTelemetry", Host.GetProperty("telemetryMode").GetString());

    [Fact]
    public void Routes_are_under_api_as_the_HTTP_contract_says()
        => Assert.Equal("api", Host.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());

    [Fact]
    public void Idle_queues_are_polled_often_enough_for_timers_and_webhook_events_to_be_on_time()
    {
        var interval = TimeSpan.Parse(DurableTask.GetProperty("storageProvider").GetProperty("maxQueuePollingInterval").GetString()!, CultureInfo.InvariantCulture);

        Assert.InRange(interval, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Durable_distributed_tracing_is_the_version_the_extension_asks_for()
    {
        var tracing = DurableTask.GetProperty("tracing");

        Assert.True(tracing.GetProperty("distributedTracingEnabled").GetBoolean());
        Assert.Equal("V2", tracing.GetProperty("version").GetString());
    }

    [Fact]
    public void Queue_messages_reach_the_app_undecoded_so_that_base64_and_plain_JSON_both_start_jobs()
        => Assert.Equal("none", Queues.GetProperty("messageEncoding").GetString());

    [Fact]
    public void The_host_delivers_a_failing_message_as_often_as_the_app_expects_before_its_last_delivery_goes_to_the_poison_queue()
        => Assert.Equal(new Pipelines.PipelineOptions().MaxDequeueCount, Queues.GetProperty("maxDequeueCount").GetInt32());

    [Fact]
    public void The_Azure_SDKs_expected_404_and_409_answers_are_not_logged_as_warnings()
        => Assert.Equal("Error", Host.GetProperty("logging").GetProperty("logLevel").GetProperty("Azure.Core").GetString());
}
