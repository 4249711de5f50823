using System.Collections.Frozen;
using System.Security.Cryptography;
using KlingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Studio;

/// <summary>
/// The studio page and its scripts and style (<c>Studio/wwwroot</c>, embedded in this assembly), served the same way
/// by both hosts at <c>/api/studio</c> and <c>/api/studio/{file}</c>. Nothing is built and nothing is loaded from
/// another origin: the page's policy allows only this host, plus the video links the API hands out (blob storage).
/// </summary>
public sealed class StudioFiles(IOptions<StudioOptions> options)
{
    public const string PagePath = KlingApiEndpoints.Prefix + "/studio";

    private const string ResourcePrefix = "KlingFunctions.Studio.wwwroot.";
    private const string Page = "index.html";

    /// <summary>
    /// Scripts, styles and API calls from this host only; images and masks are drawn from local files (blob:, data:);
    /// the video plays from the read link the job view gives (our storage account, or Freepik's link).
    /// </summary>
    private const string ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
        + "media-src 'self' blob: https: http:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, StudioFile> Files = Load();

    /// <summary><c>GET /api/studio</c>: the page; <c>/api/studio/</c> is sent to it, so that its relative links hold.</summary>
    public IResult ServePage(HttpRequest request)
    {
        if (!options.Value.Enabled)
        {
            return Disabled();
        }

        return request.Path.Value?.EndsWith('/') == true
            ? TypedResults.Redirect(request.PathBase + PagePath + request.QueryString, permanent: true, preserveMethod: true)
            : new StudioFileResult(Files[Page]);
    }

    /// <summary><c>GET /api/studio/{file}</c>: one of the page's scripts or its style.</summary>
    public IResult ServeFile(string file)
        => !options.Value.Enabled ? Disabled()
            : file != Page && Files.TryGetValue(file, out var found) ? new StudioFileResult(found)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such file.", detail: "The studio has no file of that name.");

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Disabled()
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "The studio is not enabled.", detail: "Set Studio:Enabled=true (app setting Studio__Enabled) to serve the studio page from this app.");

    private static FrozenDictionary<string, StudioFile> Load()
    {
        var assembly = typeof(StudioFiles).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            .Select(name =>
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var bytes = copy.ToArray();
                var file = name[ResourcePrefix.Length..];
                return new StudioFile(file, bytes, ContentType(file), $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
            })
            .ToFrozenDictionary(file => file.Name, StringComparer.Ordinal);
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };

    private sealed record StudioFile(string Name, byte[] Bytes, string ContentType, string ETag);

    /// <summary>A file with its validator: the browser asks again each time (no-cache) and gets 304 while it is unchanged.</summary>
    private sealed class StudioFileResult(StudioFile file) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.Headers.CacheControl = "no-cache";
            response.Headers.ETag = file.ETag;
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["Referrer-Policy"] = "no-referrer";
            if (file.Name == Page)
            {
                response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            if (httpContext.Request.Headers.IfNoneMatch.Any(tag => tag == file.ETag || tag == "*"))
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            response.ContentType = file.ContentType;
            response.ContentLength = file.Bytes.Length;
            return response.Body.WriteAsync(file.Bytes, httpContext.RequestAborted).AsTask();
        }
    }
}
