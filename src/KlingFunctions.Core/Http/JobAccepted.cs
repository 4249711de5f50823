using Microsoft.AspNetCore.Http;

namespace KlingFunctions.Http;

/// <summary><c>202 Accepted</c> with <c>Location: /api/videos/{id}</c> and the job view.</summary>
public sealed class JobAccepted(JobView view) : IResult
{
    public JobView View => view;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status202Accepted;
        httpContext.Response.Headers.Location = $"/api/videos/{view.Id}";
        return httpContext.Response.WriteAsJsonAsync(view, ApiJson.Options, httpContext.RequestAborted);
    }
}
