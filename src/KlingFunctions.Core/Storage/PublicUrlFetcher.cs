using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Storage;

/// <summary>
/// How a fetch ended: the bytes read, or why not (<see cref="TooLarge"/> when the limit was hit; <see cref="Transient"/>
/// when the host may answer later: 5xx, 408, 429, a time-out, a broken connection).
/// </summary>
public sealed record FetchOutcome(long Bytes, string? Error, bool TooLarge = false, bool Transient = false)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Fetches URLs we do not control (a caller's image, Freepik's video link) with a size limit and a time limit, and
/// only from public addresses (see <see cref="SourceAddressPolicy"/>, wired into the handler's connect callback).
/// Redirects are followed here, at most <see cref="MaxRedirects"/>, re-checking the scheme on every hop.
/// </summary>
public sealed class PublicUrlFetcher(HttpClient http, SourceAddressPolicy policy, TimeProvider time, ILogger<PublicUrlFetcher> logger)
{
    public const int MaxRedirects = 5;

    /// <summary>
    /// GETs <paramref name="url"/> and hands its body, limited to <paramref name="maxBytes"/>, to
    /// <paramref name="consume"/>. Reading past the limit throws inside <paramref name="consume"/> and ends the fetch
    /// as <see cref="FetchOutcome.TooLarge"/>; a declared Content-Length over the limit ends it before reading.
    /// </summary>
    public async Task<FetchOutcome> FetchAsync(
        Uri url,
        long maxBytes,
        TimeSpan timeout,
        Func<LimitedReadStream, CancellationToken, Task> consume,
        CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return await FetchFollowingRedirectsAsync(url, maxBytes, consume, deadline.Token);
        }
        catch (Exception exception) when (FindInner<ContentTooLargeException>(exception) is not null)
        {
            // The consumer (often a blob upload) may wrap what the limited stream threw.
            return TooLarge(maxBytes);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(url, string.Create(CultureInfo.InvariantCulture, $"timed out after {timeout.TotalSeconds:0.#} s."), transient: true);
        }
        catch (HttpRequestException exception) when (FindInner<SourceAddressRefusedException>(exception) is { } refused)
        {
            return Failed(url, $"resolves to {refused.Address}, a loopback, private, link-local or multicast address, which is not allowed.");
        }
        catch (HttpRequestException exception)
        {
            // A name that does not resolve will not resolve later either; a refused or reset connection may.
            return Failed(url, $"could not be fetched ({exception.HttpRequestError}).", transient: exception.HttpRequestError != HttpRequestError.NameResolutionError);
        }
        catch (IOException exception)
        {
            // The connection broke off while the body was being read.
            return Failed(url, $"broke off while being read ({exception.GetType().Name}).", transient: true);
        }
    }

    private async Task<FetchOutcome> FetchFollowingRedirectsAsync(
        Uri url,
        long maxBytes,
        Func<LimitedReadStream, CancellationToken, Task> consume,
        CancellationToken cancellationToken)
    {
        var current = url;
        for (var redirects = 0; ; redirects++)
        {
            if (!policy.AllowsScheme(current))
            {
                return Failed(url, $"leads to {current.Scheme}://{current.Authority}; only https is allowed.");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                if (redirects == MaxRedirects)
                {
                    return Failed(url, $"redirected more than {MaxRedirects} times.");
                }

                current = location.IsAbsoluteUri ? location : new Uri(current, location);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                var status = (int)response.StatusCode;
                return Failed(url, string.Create(CultureInfo.InvariantCulture, $"answered {status} {response.ReasonPhrase}."), transient: status is >= 500 or 408 or 429);
            }

            if (response.Content.Headers.ContentLength > maxBytes)
            {
                return TooLarge(maxBytes);
            }

            var started = time.GetTimestamp();
            await using var body = new LimitedReadStream(await response.Content.ReadAsStreamAsync(cancellationToken), maxBytes);
            await consume(body, cancellationToken);
            logger.LogInformation(
                "Fetched {Bytes} bytes from {Host} in {Elapsed}",
                body.BytesRead,
                current.Host,
                time.GetElapsedTime(started));
            return new FetchOutcome(body.BytesRead, null);
        }
    }

    private FetchOutcome Failed(Uri url, string reason, bool transient = false)
    {
        // The URL's query may hold a caller's token; the host is enough to diagnose.
        logger.LogWarning("Fetch from {Host} failed: {Reason}", url.Host, reason);
        return new FetchOutcome(0, reason, Transient: transient);
    }

    /// <summary>The outcome of content over <paramref name="maxBytes"/>, however it was found out.</summary>
    public static FetchOutcome TooLarge(long maxBytes)
        => new(0, string.Create(CultureInfo.InvariantCulture, $"is larger than the limit of {maxBytes:N0} bytes."), TooLarge: true);

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static T? FindInner<T>(Exception exception)
        where T : Exception
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is T match)
            {
                return match;
            }
        }

        return null;
    }
}
