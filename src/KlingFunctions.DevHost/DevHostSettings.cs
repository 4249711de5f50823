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
}
