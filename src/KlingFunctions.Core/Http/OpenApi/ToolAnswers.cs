using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace KlingFunctions.Http.OpenApi;

/// <summary>
/// What every operation of the document declares for tools beyond its own answers: who may call it, the 202's
/// <c>Location</c>, the answers the Functions host gives without asking the app (401 for a missing key, 429 when it
/// throttles), and the 500 and 503 problems any route may answer. Applied to every operation, so routes added later
/// are described the same way.
/// </summary>
internal static class ToolAnswers
{
    private const string ProblemJson = "application/problem+json";

    public static void Declare(OpenApiDocument document, bool functionKeyOptional)
    {
        foreach (var operation in document.Paths.Values.SelectMany(path => path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            operation.Responses ??= [];
            if (RequiresFunctionKey(operation))
            {
                if (functionKeyOptional)
                {
                    // Either the key or nothing: a caller of the DevHost needs none.
                    operation.Security!.Add(new OpenApiSecurityRequirement());
                }

                operation.Responses.TryAdd("401", new OpenApiResponse
                {
                    Description = "No function key, or a wrong one: the Functions host's own answer, without a body (the DevHost checks no key).",
                });
            }
            else
            {
                // Anonymous on both hosts (Freepik cannot send a key; health and this document are public).
                operation.Security = [];
            }

            operation.Responses.TryAdd("429", new OpenApiResponse
            {
                Description = "Too many requests in progress: the Functions host's own throttle (host.json extensions.http), without a body. Send the request again after a pause.",
            });
            operation.Responses.TryAdd("500", Problem(StatusCodes.Status500InternalServerError, "Failed unexpectedly; the detail carries a trace id for the logs."));
            operation.Responses.TryAdd("503", Problem(StatusCodes.Status503ServiceUnavailable, "Storage or the Durable engine did not answer. Send the request again in a few seconds."));

            if (operation.Responses.TryGetValue("202", out var accepted) && accepted is OpenApiResponse response && AnswersJobView(response))
            {
                response.Headers ??= new Dictionary<string, IOpenApiHeader>();
                response.Headers["Location"] = new OpenApiHeader
                {
                    Description = "The job's URL, /api/videos/{id}.",
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference" },
                };
            }
        }
    }

    private static bool RequiresFunctionKey(OpenApiOperation operation)
        => operation.Security?.Any(requirement => requirement.Keys.Any(scheme => scheme.Reference?.Id == ApiDocument.FunctionKeyScheme)) == true;

    private static bool AnswersJobView(OpenApiResponse response)
        => response.Content?.Values.Any(media => media.Schema is OpenApiSchemaReference { Reference.Id: nameof(JobView) }) == true;

    private static OpenApiResponse Problem(int status, string description) => new()
    {
        Description = $"{ReasonPhrases.GetReasonPhrase(status)}: {description}",
        Content = new Dictionary<string, OpenApiMediaType>
        {
            [ProblemJson] = new() { Schema = new OpenApiSchemaReference("ProblemDetails") },
        },
    };
}
