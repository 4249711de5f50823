using KlingFunctions;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration: triggers take HttpRequest and return the IResult that Core's VideoApi produces.
builder.ConfigureFunctionsWebApplication();

builder.Services
    .AddApplicationInsightsTelemetryWorkerService()
    .ConfigureFunctionsApplicationInsights();

// The Application Insights SDK adds a filter that keeps only warnings from the worker; the job's progress is
// logged at Information, so host.json's logging levels should decide instead.
builder.Logging.Services.Configure<LoggerFilterOptions>(options =>
{
    var workerFilter = options.Rules.FirstOrDefault(rule =>
        rule.ProviderName == "Microsoft.Extensions.Logging.ApplicationInsights.ApplicationInsightsLoggerProvider");
    if (workerFilter is not null)
    {
        options.Rules.Remove(workerFilter);
    }
});

// The same registrations as the DevHost, and a Freepik key required; options are validated at start-up.
builder.Services.AddKlingFunctionsApp(builder.Configuration);

builder.Build().Run();
