using KlingFunctions.FreepikSimulator;

// Standalone: `dotnet run --project src/KlingFunctions.FreepikSimulator [--urls http://localhost:7080]`,
// settings under FreepikSimulator (e.g. FreepikSimulator__CompletedAfter=00:00:10).
var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls("http://localhost:7080");
}

builder.Services.AddFreepikSimulator();

var app = builder.Build();
app.MapFreepikSimulator();
app.Run();
