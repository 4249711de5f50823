using KlingFunctions.Health;
using KlingFunctions.Http.OpenApi;
using KlingFunctions.Studio;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Http;

/// <summary>
/// The HTTP contract as ASP.NET Core endpoints: the DevHost serves exactly these, and the OpenAPI document of both
/// hosts is generated from them (<see cref="ApiDocument"/>). Endpoint names are the Functions app's function names,
/// so the document can be checked against the routes its <c>functions.metadata</c> declares.
/// </summary>
public static class KlingApiEndpoints
{
    public const string Prefix = "/api";

    public const string DocumentPath = Prefix + "/openapi.json";

    public static RouteGroupBuilder MapKlingApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(Prefix);

        api.MapPost("/videos", (HttpRequest request, [FromServices] VideoApi videos, [FromServices] DurableTaskClient durable, CancellationToken cancellationToken)
                => videos.StartAsync(request, new DurableVideoJobClient(durable), cancellationToken))
            .WithName("StartVideo")
            .WithSummary("Start a video job from an image and a prompt, or a prompt alone")
            .WithDescription("Validates every field against the job's model (model, default Freepik:DefaultModel; GET /api/models lists what each takes), keeps the images (image, end_image, masks) as private blobs and starts the job. Nothing is sent to Freepik before the request is valid. The same Idempotency-Key with the same request returns the same job. Once the day's Freepik creates reach Freepik:DailyCreateLimit, 429 with Retry-After (the next UTC midnight).")
            .AddOpenApiOperationTransformer(ApiDocument.DescribeStartVideo)
            .Produces<JobView>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .RequiresFunctionKey();

        api.MapGet("/videos", (HttpRequest request, [FromServices] VideoApi videos, [FromServices] DurableTaskClient durable, CancellationToken cancellationToken)
                => videos.ListAsync(request, new DurableVideoJobClient(durable), cancellationToken))
            .WithName("ListVideos")
            .WithSummary("List jobs, most recent first")
            .WithDescription("A page of jobs (id, status, stage, model, createdAt, updatedAt and the prompt's first 100 characters), the most recently started first, optionally of one status. Pass continuationToken from one page to read the next; it is null on the last page.")
            .AddOpenApiOperationTransformer(JobListParameters.Describe)
            .Produces<JobList>()
            .ProducesValidationProblem()
            .RequiresFunctionKey();

        api.MapGet("/videos/{id}", (string id, [FromServices] VideoApi videos, [FromServices] DurableTaskClient durable, CancellationToken cancellationToken)
                => videos.GetAsync(id, new DurableVideoJobClient(durable), cancellationToken))
            .WithName("GetVideo")
            .WithSummary("Read a job")
            .WithDescription("The job view; video.url is a fresh read-only link to the archived copy, made on every read.")
            .Produces<JobView>()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequiresFunctionKey();

        api.MapPost("/videos/{id}/cancel", (string id, [FromServices] VideoApi videos, [FromServices] DurableTaskClient durable, CancellationToken cancellationToken)
                => videos.CancelAsync(id, new DurableVideoJobClient(durable), cancellationToken))
            .WithName("CancelVideo")
            .WithSummary("Ask a job to stop")
            .WithDescription("202 means asked, not done: the job, still Pending or Running in the answer, stops at its next wait (in line, between create attempts, waiting for the video) and ends Canceled through its own finish, with its callback and event. A job that has already reported its outcome keeps it: 409, as for a job that has ended. Freepik has no cancel call: a task already submitted still runs and is paid; its id stays in the job view.")
            .Produces<JobView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequiresFunctionKey();

        api.MapPost("/webhooks/freepik/{id}", (string id, HttpRequest request, [FromServices] VideoApi videos, [FromServices] DurableTaskClient durable, CancellationToken cancellationToken)
                => videos.ReceiveFreepikWebhookAsync(request, id, new DurableVideoJobClient(durable), cancellationToken))
            .WithName("FreepikWebhook")
            .WithSummary("Freepik's status webhook for a job")
            .WithDescription("Called by Freepik, at the webhook_url this service sends with the task. Duplicates and stale updates are accepted and change nothing.")
            .AddOpenApiOperationTransformer(ApiDocument.DescribeFreepikWebhook)
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/models", ([FromServices] ModelsApi models) => models.Get())
            .WithName("GetModels")
            .WithSummary("The Kling models a job can use, and the fields each takes")
            .WithDescription("One item per model: its id (the start request's model), name, whether it needs an image, and only the fields it takes, in the start request's names, with their values, ranges and defaults. default is the model of a request that names none.")
            .Produces<ModelCatalogueView>()
            .RequiresFunctionKey();

        api.MapGet("/usage", ([FromServices] UsageApi usage, CancellationToken cancellationToken) => usage.GetAsync(cancellationToken))
            .WithName("GetUsage")
            .WithSummary("Today's Freepik creates against the daily limit")
            .WithDescription("The Freepik creates of the current UTC day for the API key, across every instance, by model; limit and remaining are null when Freepik:DailyCreateLimit is not set. A create whose outcome is unknown counts.")
            .Produces<UsageView>()
            .RequiresFunctionKey();

        api.MapGet("/health", ([FromServices] HealthCheck health, [FromServices] DurableTaskClient durable, CancellationToken cancellationToken)
                => health.CheckAsync(durable, cancellationToken))
            .WithName("Health")
            .WithSummary("Storage and Durable reachable, and the configuration without secrets")
            .Produces<HealthReport>()
            .Produces<HealthReport>(StatusCodes.Status503ServiceUnavailable);

        api.MapGet("/studio", (HttpRequest request, [FromServices] StudioFiles studio) => studio.ServePage(request))
            .WithName("Studio")
            .WithSummary("The studio: a page to paint the motion brush, draw paths, follow jobs and play their videos")
            .WithDescription("Served with Studio:Enabled=true (the DevHost: always); 404 otherwise. On the Functions app the page asks for a function key and sends it with its API calls.")
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/studio/{file}", (string file, [FromServices] StudioFiles studio) => studio.ServeFile(file))
            .WithName("StudioFile")
            .WithSummary("A script or the style of the studio page")
            .Produces(StatusCodes.Status200OK, contentType: "text/javascript")
            .Produces(StatusCodes.Status200OK, contentType: "text/css")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/openapi.json", ([FromServices] ApiDocument document, CancellationToken cancellationToken)
                => document.ServeAsync(cancellationToken))
            .WithName("OpenApiDocument")
            .WithSummary("This document")
            .Produces(StatusCodes.Status200OK, contentType: ApiDocument.Json);

        return api;
    }

    /// <summary>Marks an operation that the Functions app serves with <c>AuthorizationLevel.Function</c>.</summary>
    private static RouteHandlerBuilder RequiresFunctionKey(this RouteHandlerBuilder builder)
        => builder.AddOpenApiOperationTransformer(ApiDocument.RequireFunctionKey);
}
