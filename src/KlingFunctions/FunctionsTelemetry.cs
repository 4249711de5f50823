using Azure.Core;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using KlingFunctions.Telemetry;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KlingFunctions;

/// <summary>
/// The worker's OpenTelemetry support (host.json <c>telemetryMode: OpenTelemetry</c>): the host's trace context flows
/// into each invocation, so the HTTP start, the Durable extension's orchestration and activity spans and the Freepik
/// calls made in the worker form one trace; exported to Application Insights with the Azure Monitor exporter.
/// </summary>
public static class FunctionsTelemetry
{
    public const string ConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AuthenticationStringSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    public static IServiceCollection AddFunctionsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            // HttpClient spans (Freepik, image and video fetches, callbacks) redact query strings: SAS signatures stay out.
            .WithTracing(tracing => tracing.AddSource(KlingTelemetry.TraceSources).AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(KlingTelemetry.Name).AddHttpClientInstrumentation());

        // Without a connection string (a local run under Core Tools) nothing is exported: the exporter would refuse to start.
        if (!string.IsNullOrWhiteSpace(configuration[ConnectionStringSetting]))
        {
            telemetry.UseAzureMonitorExporter(options =>
            {
                options.ConnectionString = configuration[ConnectionStringSetting];
                options.Credential = CredentialFor(configuration[AuthenticationStringSetting]);
            });
        }

        return services;
    }

    /// <summary>
    /// The classic SDK reads <c>Authorization=AAD;ClientId=…</c> itself; the exporter takes a credential instead, so the
    /// setting Bicep writes keeps working (Application Insights here accepts Entra ID telemetry only).
    /// </summary>
    internal static TokenCredential? CredentialFor(string? authenticationString)
    {
        var parts = (authenticationString ?? string.Empty)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.OrdinalIgnoreCase);
        if (!parts.TryGetValue("Authorization", out var authorization) || !authorization.Equals("AAD", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return parts.TryGetValue("ClientId", out var clientId) && clientId.Length > 0
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned);
    }
}
