using System.Net;

namespace KlingFunctions.DevHost;

/// <summary>What the DevHost decides at start-up from configuration (section <c>DevHost</c> and the app's own).</summary>
public sealed record DevHostSettings(string Url, bool UsesSimulator, bool HasStorage, int AzuritePort)
{
    public static DevHostSettings From(IConfiguration configuration)
    {
        var url = (configuration["DevHost:Url"] ?? DevHostApplication.DefaultUrl).TrimEnd('/');

        // "auto": the simulator stands in exactly when there is no real key to use.
        var simulator = configuration["DevHost:Simulator"] ?? "auto";
        var usesSimulator = simulator.Equals("auto", StringComparison.OrdinalIgnoreCase)
            ? string.IsNullOrWhiteSpace(configuration["Freepik:ApiKey"])
            : bool.Parse(simulator);

        var hasStorage = !string.IsNullOrWhiteSpace(configuration["Storage:ConnectionString"])
            || !string.IsNullOrWhiteSpace(configuration["Storage:ServiceUri"])
            || !string.IsNullOrWhiteSpace(configuration["AzureWebJobsStorage"]);
        return new DevHostSettings(url, usesSimulator, hasStorage, configuration.GetValue("DevHost:AzuritePort", Azurite.AzuriteProcess.DefaultPort));
    }

    /// <summary>The addresses this host listens on, as the outbound address guard sees them.</summary>
    public HashSet<IPEndPoint> OwnEndpoints()
    {
        var uri = new Uri(Url);
        IPAddress[] addresses = IPAddress.TryParse(uri.IdnHost, out var literal) ? [literal] : [IPAddress.Loopback, IPAddress.IPv6Loopback];
        return [.. addresses.Select(address => new IPEndPoint(address, uri.Port))];
    }
}
