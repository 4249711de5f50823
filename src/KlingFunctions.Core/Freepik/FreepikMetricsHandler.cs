using System.Globalization;
using KlingFunctions.Telemetry;

namespace KlingFunctions.Freepik;

/// <summary>Counts every attempt of a Freepik call by operation and outcome (<c>kling.freepik.requests</c>).</summary>
internal sealed class FreepikMetricsHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var operation = request.Method == HttpMethod.Post ? "create" : "status";
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            KlingTelemetry.FreepikRequest(operation, ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            return response;
        }
        catch (Exception exception)
        {
            KlingTelemetry.FreepikRequest(operation, exception is OperationCanceledException ? "timeout" : exception.GetType().Name);
            throw;
        }
    }
}
