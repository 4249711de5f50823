using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace KlingFunctions.Http;

/// <summary><c>GET /api/models</c>: the Kling models a job can use, and the fields each takes.</summary>
public sealed class GetModels(ModelsApi models)
{
    [Function(nameof(GetModels))]
    public IResult Run([HttpTrigger(AuthorizationLevel.Function, "get", Route = "models")] HttpRequest request)
        => models.Get();
}
