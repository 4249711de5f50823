using KlingFunctions.Http.OpenApi;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace KlingFunctions.Http;

/// <summary><c>GET /api/openapi.json</c>: the document generated from Core's endpoints, the same the DevHost serves.</summary>
public sealed class OpenApiDocument(ApiDocument document)
{
    [Function(nameof(OpenApiDocument))]
    public Task<IResult> Run(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request,
        CancellationToken cancellationToken)
        => document.ServeAsync(cancellationToken);
}
