using KlingFunctions.DevHost;

// `dotnet run --project src/KlingFunctions.DevHost`: the API on http://localhost:7071 with Azurite and the
// Freepik simulator unless configured otherwise (see README "Configuration").
await using var host = await DevHostApplication.CreateAsync(args, configure: null, CancellationToken.None);
await host.StartAsync(CancellationToken.None);
await host.App.WaitForShutdownAsync();
