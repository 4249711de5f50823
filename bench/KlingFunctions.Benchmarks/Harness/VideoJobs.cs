using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using KlingFunctions.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>Starts jobs through <c>POST /api/videos</c> and watches them through the DevHost's Durable client.</summary>
internal static class VideoJobs
{
    public const string Path = "/api/videos";

    /// <summary>The JSON start request: the image as bare base64, as a caller without multipart would send it.</summary>
    public static byte[] JsonBody(byte[] image, string prompt)
        => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["image"] = Convert.ToBase64String(image), ["prompt"] = prompt, ["duration"] = "5" });

    public static HttpRequestMessage JsonRequest(byte[] body) => new(HttpMethod.Post, Path)
    {
        Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
    };

    public static HttpRequestMessage MultipartRequest(byte[] image, string prompt)
    {
        var file = new ByteArrayContent(image) { Headers = { ContentType = new MediaTypeHeaderValue("image/png") } };
        return new HttpRequestMessage(HttpMethod.Post, Path)
        {
            Content = new MultipartFormDataContent { { new StringContent(prompt), "prompt" }, { new StringContent("5"), "duration" }, { file, "image", "image.png" } },
        };
    }

    /// <summary>Sends a start request and returns the job id from the 202 answer.</summary>
    public static async Task<string> StartAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var sent = request;
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST {Path} answered {(int)response.StatusCode}: {body}");
        }

        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Waits until the job has reached <paramref name="stage"/> or finished.</summary>
    public static async Task<VideoJobSnapshot> WaitForStageAsync(DurableVideoJobClient jobs, string jobId, JobStage stage, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await jobs.GetAsync(jobId, cancellationToken) is { } snapshot
                && (snapshot.Progress?.Stage >= stage || snapshot.RuntimeStatus is not (JobRuntimeStatus.Pending or JobRuntimeStatus.Running)))
            {
                return snapshot;
            }

            await Task.Delay(5, cancellationToken);
        }
    }

    /// <summary>The pause between two rounds of <c>WhenAllEndedAsync</c> unless a benchmark chooses another.</summary>
    public static readonly TimeSpan EndPolling = TimeSpan.FromMilliseconds(200);

    /// <summary>Waits until no orchestration of <paramref name="jobIds"/> is pending or running, with one query per round.</summary>
    public static Task WhenAllEndedAsync(DurableTaskClient durable, IReadOnlyCollection<string> jobIds, CancellationToken cancellationToken)
        => WhenAllEndedAsync(durable, jobIds, EndPolling, cancellationToken);

    /// <param name="interval">The pause between rounds: each is a query of every unfinished instance, which costs the engine more the more there are.</param>
    public static async Task WhenAllEndedAsync(DurableTaskClient durable, IReadOnlyCollection<string> jobIds, TimeSpan interval, CancellationToken cancellationToken)
    {
        var ours = jobIds.ToHashSet(StringComparer.Ordinal);
        var unfinished = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running], PageSize = 1000 };
        while (await AnyOfOursAsync(durable.GetAllInstancesAsync(unfinished), ours, cancellationToken))
        {
            await Task.Delay(interval, cancellationToken);
        }
    }

    private static async Task<bool> AnyOfOursAsync(AsyncPageable<OrchestrationMetadata> instances, HashSet<string> ours, CancellationToken cancellationToken)
    {
        await foreach (var instance in instances.WithCancellation(cancellationToken))
        {
            if (ours.Contains(instance.InstanceId))
            {
                return true;
            }
        }

        return false;
    }
}
