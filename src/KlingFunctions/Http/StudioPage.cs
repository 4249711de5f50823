using KlingFunctions.Studio;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;

namespace KlingFunctions.Http;

/// <summary>
/// <c>GET /api/studio</c> and its files: anonymous, because a browser opening the page has no key to send; the page
/// asks for one and sends it with its API calls. Served only with <c>Studio:Enabled=true</c> (404 otherwise).
/// </summary>
public sealed class StudioPage(StudioFiles studio)
{
    [Function(nameof(Studio))]
    public IResult Studio([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "studio")] HttpRequest request)
        => studio.ServePage(request);

    [Function(nameof(StudioFile))]
    public IResult StudioFile([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "studio/{file}")] HttpRequest request, string file)
        => studio.ServeFile(file);
}
