using Azure.Storage;
using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KlingFunctions.Benchmarks.Harness;
using KlingFunctions.Staging;
using KlingFunctions.Testing;
using KlingFunctions.Workflow;

namespace KlingFunctions.Benchmarks;

/// <summary>
/// A 10 MB PNG through <c>POST /api/videos</c> (multipart and base64 JSON) into its blob in Azurite, against a
/// direct Azure.Storage.Blobs upload of the same bytes; time and managed bytes allocated per request.
/// </summary>
internal static class StagingBenchmark
{
    private const int Rounds = 15;

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var report = Report.ForEngine("staging");
        await using var bench = await BenchHost.StartAsync(
            BenchHost.QuietJobs(),
            new LogCapture(), [], configure: null, cancellationToken);

        var image = TestImages.Png(2048, 2048, (int)SourceImageInspector.MaxImageBytes);
        var json = VideoJobs.JsonBody(image, "staging benchmark");
        var small = VideoJobs.JsonBody(TestImages.Png(1024, 768, 16 * 1024), "staging benchmark");
        var direct = new BlobContainerClient(bench.StorageConnectionString, "bench-direct");
        await direct.CreateIfNotExistsAsync(cancellationToken: cancellationToken);

        await using var bare = await LocalWebServer.StartAsync(app => app.MapPost(VideoJobs.Path, async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        }));
        using var bareClient = BenchHost.LoopbackClient(bare.BaseAddress);

        var kinds = new (string Name, Func<Task<string?>> Run)[]
        {
            ("direct SDK upload (baseline)", () => UploadAsync(direct, new MemoryStream(image, writable: false), default, cancellationToken)),
            ("POST multipart", async () => await VideoJobs.StartAsync(bench.Client, VideoJobs.MultipartRequest(image, "staging benchmark"), cancellationToken)),
            ("POST base64 JSON", async () => await VideoJobs.StartAsync(bench.Client, VideoJobs.JsonRequest(json), cancellationToken)),
            ("client only: multipart to a bare endpoint", () => SendAsync(bareClient, VideoJobs.MultipartRequest(image, "staging benchmark"), cancellationToken)),
            ("client only: JSON to a bare endpoint", () => SendAsync(bareClient, VideoJobs.JsonRequest(json), cancellationToken)),
            ("POST JSON with a 16 KB image (what a start costs besides the image)", async () => await VideoJobs.StartAsync(bench.Client, VideoJobs.JsonRequest(small), cancellationToken)),
            ("direct SDK upload of a stream of unknown length, as the multipart path's", () => UploadAsync(direct, new UnknownLength(image), InputBlobStore.StreamedTransfer, cancellationToken)),
        };

        var samples = kinds.ToDictionary(k => k.Name, _ => new List<(double Ms, long Bytes)>(), StringComparer.Ordinal);
        for (var round = 0; round <= Rounds; round++)
        {
            Report.Progress(round == 0 ? "staging: warm-up round" : $"staging: round {round} of {Rounds}");
            // Rotate the order each round: no kind always follows the same one.
            for (var i = 0; i < kinds.Length; i++)
            {
                var (name, run) = kinds[(i + round) % kinds.Length];
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var allocated = GC.GetTotalAllocatedBytes(precise: true);
                var started = Stopwatch.GetTimestamp();
                var jobId = await run();
                var elapsed = Report.ElapsedMs(started);
                var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;

                // Untimed: let the job stage and submit, so that it does not run beside the next request.
                if (jobId is not null)
                {
                    await VideoJobs.WaitForStageAsync(new DurableVideoJobClient(bench.Host.Durable), jobId, JobStage.Generating, cancellationToken);
                }

                if (round > 0)
                {
                    samples[name].Add((elapsed, bytes));
                }
            }
        }

        double MedianMs(int kind) => Stats.Median([.. samples[kinds[kind].Name].Select(s => s.Ms)]);
        double MedianBytes(int kind) => Stats.Median([.. samples[kinds[kind].Name].Select(s => (double)s.Bytes)]);

        report.Line($"Machine: {Report.Machine()}");
        report.Line($"Image: a {image.Length:N0}-byte PNG (the 10 MB limit); base64 JSON body {json.Length:N0} bytes. {Rounds} rounds after one warm-up, each kind once per round in rotating order, a full GC before each request. Azurite {bench.StorageConnectionString.Split(';').First(p => p.StartsWith("BlobEndpoint", StringComparison.Ordinal))}.");
        report.Line("Time: from sending the request to the 202 (for POST: read, validate, stream into the blob, start the job). Allocated: every managed byte the process allocated meanwhile (GC.GetTotalAllocatedBytes(precise)), client and server, since both run in this process.");
        report.Line();
        report.Table(
            ["kind", "median time", "min", "max", "median allocated"],
            kinds.Select((k, i) => (IReadOnlyList<string>)[
                k.Name, Report.Ms(MedianMs(i)), Report.Ms(samples[k.Name].Min(s => s.Ms)), Report.Ms(samples[k.Name].Max(s => s.Ms)), Report.Mb(MedianBytes(i))]));

        var multipartRatio = MedianMs(1) / MedianMs(0);
        var jsonRatio = MedianMs(2) / MedianMs(0);
        var multipartServer = MedianBytes(1) - MedianBytes(3);
        var jsonServer = MedianBytes(2) - MedianBytes(4);
        report.Table(
            ["measure", "value", "target", "verdict"],
            [
                ["multipart time / direct upload", Report.Ratio(multipartRatio), "≤ 1.25×", Report.Verdict(multipartRatio <= 1.25)],
                ["base64 JSON time / direct upload", Report.Ratio(jsonRatio), "≤ 1.5×", Report.Verdict(jsonRatio <= 1.5)],
                ["multipart: server-side allocation (POST − client only)", $"{Report.Mb(multipartServer)} = {Report.Ratio(multipartServer / image.Length)} image", "≤ 0.1× image", Report.Verdict(multipartServer <= 0.1 * image.Length)],
                ["base64 JSON: server-side allocation (POST − client only)", $"{Report.Mb(jsonServer)} = {Report.Ratio(jsonServer / image.Length)} image", "≤ 1.5× image", Report.Verdict(jsonServer <= 1.5 * image.Length)],
                ["direct upload allocation (SDK, for scale)", $"{Report.Mb(MedianBytes(0))} = {Report.Ratio(MedianBytes(0) / image.Length)} image", "", ""],
                ["multipart − fixed cost of a start, / direct upload", Report.Ratio((MedianMs(1) - MedianMs(5)) / MedianMs(0)), "", ""],
                ["direct upload of an unknown-length stream (the multipart path's blocks) / direct upload", Report.Ratio(MedianMs(6) / MedianMs(0)), "", ""],
                ["base64 JSON − fixed cost of a start, / direct upload", Report.Ratio((MedianMs(2) - MedianMs(5)) / MedianMs(0)), "", ""],
            ]);
        await ProfileAsync(report, kinds, cancellationToken);
        report.Line("Server-side allocation = the POST's allocation minus the same client sending the same body to a bare Kestrel endpoint that reads and discards it: what remains is the DevHost's own work (body parsing, decoding, the SDK upload, starting the job). Kestrel's own read of the body is in both and cancels out.");
        await report.SaveAsync();
    }

    /// <summary>
    /// Where the time and the bytes go: one more request of each kind with an allocation profile by type (sampled
    /// every ~100 KB) and the storage requests it made. Not part of the timed rounds: the listeners cost time.
    /// </summary>
    private static async Task ProfileAsync(Report report, IReadOnlyList<(string Name, Func<Task<string?>> Run)> kinds, CancellationToken cancellationToken)
    {
        using var allocations = new AllocationProfiler();
        using var storage = new StorageRequestCounter();
        report.Line("Profile (one extra request of each kind, not timed):");
        report.Line();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var (name, run) in kinds.Take(3))
        {
            allocations.Clear();
            var before = storage.Snapshot();
            allocations.Enabled = storage.Enabled = true;
            await run();
            allocations.Enabled = storage.Enabled = false;
            var requests = storage.Snapshot().Select(p => (p.Key, Count: p.Value - before.GetValueOrDefault(p.Key))).Where(p => p.Count > 0);
            rows.Add([
                name,
                string.Join(", ", requests.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Count}")),
                string.Join(", ", allocations.Top(4).Select(p => $"{p.Key} {Report.Mb(p.Value)}"))]);
        }

        report.Table(["kind", "storage requests (app and benchmark)", "largest allocations by type (sampled)"], rows);
    }

    private static async Task<string?> UploadAsync(BlobContainerClient container, Stream content, StorageTransferOptions transfer, CancellationToken cancellationToken)
    {
        await container.GetBlobClient($"{Guid.NewGuid():N}.png").UploadAsync(
            content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/png" }, TransferOptions = transfer }, cancellationToken);
        return null;
    }

    /// <summary>The bytes as a file part reaches the SDK: a stream that cannot seek, so of unknown length.</summary>
    private sealed class UnknownLength(byte[] bytes) : Stream
    {
        private readonly MemoryStream inner = new(bytes, writable: false);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static async Task<string?> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
        }

        return null;
    }
}
