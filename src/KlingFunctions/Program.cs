using KlingFunctions;
using KlingFunctions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);

// ASP.NET Core integration: triggers take HttpRequest and return the IResult that Core's VideoApi produces.
builder.ConfigureFunctionsWebApplication();

// An exception out of an HTTP function is answered as a problem (application/problem+json), as every other error.
builder.UseMiddleware<ExceptionProblems>();

// OpenTelemetry (traces, metrics and logs) to Application Insights; see README "Observability".
builder.Services.AddFunctionsTelemetry(builder.Configuration);

// The same registrations as the DevHost, and a Freepik key required; options are validated at start-up.
builder.Services.AddKlingFunctionsApp(builder.Configuration);

builder.Build().Run();
