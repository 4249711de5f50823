using KlingFunctions.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KlingFunctions.DevHost;

/// <summary>
/// OpenTelemetry for the DevHost: a job's HTTP requests, its orchestration and activities (the Durable Task SDK's
/// spans), the Freepik calls and webhook deliveries in one trace, and the service's metrics. Exported over OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, else dumped to the console only with <c>DevHost:Telemetry=Console</c>: a
/// newcomer's console shows what the DevHost uses and one line per job event, not a thousand lines of spans.
/// </summary>
public static class DevHostTelemetry
{
    public static WebApplicationBuilder AddDevHostTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = !otlp && string.Equals(builder.Configuration["DevHost:Telemetry"], "Console", StringComparison.OrdinalIgnoreCase);

        // Query strings are redacted by both instrumentations (the webhook's ?token=, SAS signatures): their default.
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("KlingFunctions.DevHost"))
            .WithTracing(tracing =>
            {
                tracing.AddSource(KlingTelemetry.TraceSources).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
                else if (console)
                {
                    tracing.AddConsoleExporter();
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(KlingTelemetry.Name).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
                else if (console)
                {
                    metrics.AddConsoleExporter();
                }
            });
        return builder;
    }
}
