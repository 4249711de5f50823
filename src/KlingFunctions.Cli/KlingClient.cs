using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KlingFunctions.Http;
using KlingFunctions.Staging;

namespace KlingFunctions.Cli;

/// <summary>The API over HTTP, as the CLI uses it; the Functions app's key travels in <c>x-functions-key</c>.</summary>
public sealed class KlingClient(HttpClient http, string? functionKey)
{
    public const string FunctionKeyHeader = "x-functions-key";

    public async Task<ApiAnswer> CreateAsync(CreateOptions options, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        if (Uri.TryCreate(options.Image, UriKind.Absolute, out var url) && url.Scheme is "https" or "http")
        {
            form.Add(new StringContent(options.Image), InputFields.Image);
        }
        else
        {
            form.Add(File(new FileInfo(options.Image)), InputFields.Image, Path.GetFileName(options.Image));
        }

        form.Add(new StringContent(options.Prompt), "prompt");
        Add(form, "duration", options.Duration);
        Add(form, "negative_prompt", options.NegativePrompt);
        Add(form, "cfg_scale", options.CfgScale?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(form, "callback_url", options.CallbackUrl?.AbsoluteUri);
        if (options.StaticMask is { } staticMask)
        {
            form.Add(File(staticMask), InputFields.StaticMask, staticMask.Name);
        }

        if (options.DynamicMask is { } dynamicMask)
        {
            form.Add(File(dynamicMask), InputFields.DynamicMask(0), dynamicMask.Name);
            var masks = new[] { new { trajectories = options.Trajectory.Select(point => new { x = point.X, y = point.Y }) } };
            form.Add(new StringContent(JsonSerializer.Serialize(masks)), "dynamic_masks");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/videos") { Content = form };
        if (options.IdempotencyKey is { } key)
        {
            request.Headers.Add(JobIds.IdempotencyKeyHeader, key);
        }

        return await SendAsync(request, cancellationToken);
    }

    public Task<ApiAnswer> GetAsync(string id, CancellationToken cancellationToken)
        => SendAsync(new HttpRequestMessage(HttpMethod.Get, $"api/videos/{Uri.EscapeDataString(id)}"), cancellationToken);

    public Task<ApiAnswer> CancelAsync(string id, CancellationToken cancellationToken)
        => SendAsync(new HttpRequestMessage(HttpMethod.Post, $"api/videos/{Uri.EscapeDataString(id)}/cancel"), cancellationToken);

    /// <summary>A page of jobs, most recent first (<c>GET /api/videos</c>); the answer's <see cref="ApiAnswer.List"/>.</summary>
    public Task<ApiAnswer> ListAsync(string? status, int? top, string? continuationToken, CancellationToken cancellationToken)
    {
        var query = string.Join('&', new[]
            {
                (Name: JobListRequest.StatusParameter, Value: status),
                (Name: JobListRequest.TopParameter, Value: top?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                (Name: JobListRequest.ContinuationTokenParameter, Value: continuationToken),
            }
            .Where(parameter => parameter.Value is not null)
            .Select(parameter => $"{parameter.Name}={Uri.EscapeDataString(parameter.Value!)}"));
        return SendAsync(new HttpRequestMessage(HttpMethod.Get, query.Length > 0 ? $"api/videos?{query}" : "api/videos"), cancellationToken, list: true);
    }

    /// <summary>Streams the video at <paramref name="url"/> (a read link: no key is sent) into <paramref name="path"/>.</summary>
    public async Task<long> DownloadAsync(Uri url, string path, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        await using var file = System.IO.File.Create(path);
        await response.Content.CopyToAsync(file, cancellationToken);
        return file.Length;
    }

    private async Task<ApiAnswer> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, bool list = false)
    {
        using (request)
        {
            if (!string.IsNullOrEmpty(functionKey))
            {
                request.Headers.Add(FunctionKeyHeader, functionKey);
            }

            using var response = await http.SendAsync(request, cancellationToken);
            var media = response.Content.Headers.ContentType?.MediaType;
            if (response.IsSuccessStatusCode && media == "application/json")
            {
                return list
                    ? new ApiAnswer(response.StatusCode, null, null) { List = await response.Content.ReadFromJsonAsync<JobList>(ApiJson.Options, cancellationToken) }
                    : new ApiAnswer(response.StatusCode, await response.Content.ReadFromJsonAsync<JobView>(ApiJson.Options, cancellationToken), null);
            }

            JsonElement? problem = media?.EndsWith("json", StringComparison.Ordinal) == true
                ? await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)
                : null;
            return new ApiAnswer(response.StatusCode, null, problem);
        }
    }

    private static StreamContent File(FileInfo file)
        => new(file.OpenRead()) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } };

    private static void Add(MultipartFormDataContent form, string name, string? value)
    {
        if (value is not null)
        {
            form.Add(new StringContent(value), name);
        }
    }
}
