namespace KlingFunctions.Freepik;

/// <summary>
/// Reads the response body inside the resilience pipeline, so the per-attempt timeout also covers a body that
/// stalls, and a status call whose body breaks off is retried like any other transient failure.
/// </summary>
internal sealed class ResponseBufferingHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}
