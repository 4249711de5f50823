using System.Diagnostics;
using System.Diagnostics.Metrics;
using KlingFunctions.Telemetry;
using KlingFunctions.Testing;
using KlingFunctions.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace KlingFunctions.DevHost.Tests;

/// <summary>One job's spans, kept in memory: one trace from the HTTP start to the last activity, without secrets.</summary>
[Collection(UsesAzurite.Name)]
public sealed class TracingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_job_counts_as_started_and_finished_and_its_Freepik_requests_by_outcome()
    {
        var measured = new List<(string Instrument, double Value, string Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == KlingTelemetry.Name)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Keep(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var text = string.Join(",", tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}").Order(StringComparer.Ordinal));
            lock (measured)
            {
                measured.Add((instrument.Name, value, text));
            }
        }

        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Keep(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Keep(instrument, value, tags));
        listener.Start();
        await using var host = await TestDevHost.StartAsync(azurite);

        await host.OrchestrationEndedAsync(await host.StartAsync("a measured cat"));

        lock (measured)
        {
            Assert.Contains(("kling.jobs.started", 1d, ""), measured);
            Assert.Contains(("kling.jobs.finished", 1d, "error.code=none,status=Completed"), measured);
            Assert.Contains(("kling.freepik.requests", 1d, "operation=create,outcome=200"), measured);
            Assert.Contains(measured, measurement => measurement.Instrument == "kling.jobs.duration" && measurement.Value > 0 && measurement.Tags == "status=Completed");
        }
    }

    [Fact]
    public async Task A_job_is_one_trace_from_the_HTTP_start_through_the_orchestration_its_activities_and_Freepik()
    {
        var spans = new List<Activity>();
        await using var host = await TestDevHost.StartAsync(azurite, configure: services => services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans)));

        var id = await host.StartAsync("a traced cat");
        await host.WaitUntilFinishedAsync(id);
        await host.OrchestrationEndedAsync(id);
        host.Host.App.Services.GetRequiredService<TracerProvider>().ForceFlush();

        Activity[] kept;
        lock (spans)
        {
            kept = [.. spans];
        }

        var start = Assert.Single(kept, span => span.Kind == ActivityKind.Server && span.DisplayName == "POST /api/videos");
        Assert.Equal(id, start.GetTagItem(KlingTelemetry.JobIdTag));
        var trace = kept.Where(span => span.TraceId == start.TraceId).ToList();

        // Durable's own spans (the SDK's client, DurableTask.Core's dispatchers), joined by W3C trace context.
        Assert.Contains(trace, span => span.DisplayName == "create_orchestration:VideoOrchestration");
        Assert.Contains(trace, span => span.Kind == ActivityKind.Server && span.DisplayName == "orchestration:VideoOrchestration");
        foreach (var activity in new[] { "StageSourceImage", "SubmitVideoTask", "ArchiveVideo" })
        {
            var server = Assert.Single(trace, span => span.Kind == ActivityKind.Server && span.DisplayName == $"activity:{activity}");
            Assert.Equal(id, server.GetTagItem(KlingTelemetry.JobIdTag));
        }

        var taskId = Assert.Single(host.Simulator.Tasks).TaskId;
        Assert.Equal(taskId, trace.Single(span => span.DisplayName == "activity:SubmitVideoTask" && span.Kind == ActivityKind.Server).GetTagItem(KlingTelemetry.FreepikTaskIdTag));
        Assert.Contains(trace, span => span.Kind == ActivityKind.Client && span.GetTagItem("url.full") is string url && url.EndsWith("/v1/ai/image-to-video/kling-v2-1-std", StringComparison.Ordinal));
        var webhooks = trace.Where(span => span.Kind == ActivityKind.Server && span.DisplayName == "POST /api/webhooks/freepik/{id}").ToList();
        Assert.NotEmpty(webhooks);
        Assert.All(webhooks, span => Assert.Equal(taskId, span.GetTagItem(KlingTelemetry.FreepikTaskIdTag)));

        // No span of the whole run carries the webhook token, the Freepik key or a SAS signature.
        var token = host.Host.App.Services.GetRequiredService<WebhookToken>().Create(id);
        var apiKey = host.Host.App.Configuration["Freepik:ApiKey"]!;
        var values = kept.SelectMany(span => span.Tags).Select(tag => tag.Value ?? string.Empty).ToList();
        Assert.DoesNotContain(values, value => value.Contains(token, StringComparison.Ordinal) || value.Contains(apiKey, StringComparison.Ordinal) || value.Contains("sig=", StringComparison.Ordinal));
    }
}
