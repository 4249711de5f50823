using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using KlingFunctions.Webhooks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Benchmarks;

/// <summary>
/// Micro-benchmarks of the per-delivery checks (BenchmarkDotNet, in-process, short run, with allocations),
/// against one bare HMAC-SHA256 of the same signed content as the baseline.
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private const string Secret = "sim-webhook-secret";
    private const string DeliveryId = "msg_2f1c0e9a4b7d4c55a1e3b2c4d5e6f708";
    private const string JobId = "0b1d7c2e9f3a4b5c8d6e7f8091a2b3c4";

    private readonly byte[] body = Encoding.UTF8.GetBytes("""{"task_id":"5b9c3a1e-0f2d-4c6b-9a8e-7d6c5b4a3f21","status":"COMPLETED","generated":["https://cdn.example.com/v/5b9c3a1e.mp4"]}""");
    private readonly WebhookSignatureVerifier verifier = new(Secret);
    private readonly WebhookToken tokens = new(
        Options.Create(new WebhookOptions { TokenSecret = "a-token-secret-of-32-characters!" }), new ConfigurationBuilder().Build(), NullLogger<WebhookToken>.Instance);

    private readonly byte[] key = Encoding.UTF8.GetBytes(Secret);
    private readonly byte[] signedContent;
    private readonly string timestamp;
    private readonly string signature;
    private readonly string token;
    private readonly DateTimeOffset now = DateTimeOffset.UtcNow;

    public SignatureBenchmarks()
    {
        var seconds = now.ToUnixTimeSeconds();
        timestamp = seconds.ToString(CultureInfo.InvariantCulture);
        signature = WebhookSignature.Sign(Secret, DeliveryId, seconds, body);
        token = tokens.Create(JobId);
        signedContent = [.. Encoding.UTF8.GetBytes($"{DeliveryId}.{timestamp}."), .. body];
    }

    public static async Task RunAsync(CancellationToken cancellationToken)
    {
        var config = ManualConfig.CreateMinimumViable()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .WithArtifactsPath(Path.Combine(Harness.Report.ResultsDirectory(), "micro"))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<SignatureBenchmarks>(config);

        // BenchmarkDotNet only prints its table here (no exporter is configured): save it like the other benchmarks.
        var table = new AccumulationLogger();
        MarkdownExporter.GitHub.ExportToLog(summary, table);
        var report = new Harness.Report("micro");
        report.Line($"Machine: {Harness.Report.Machine()}");
        report.Line(table.GetLog().Trim().Replace("&#39;", "'", StringComparison.Ordinal));
        await report.SaveAsync();
    }

    [Benchmark(Baseline = true, Description = "one HMAC-SHA256 of the signed content")]
    public byte[] Hmac() => HMACSHA256.HashData(key, signedContent);

    [Benchmark(Description = "WebhookSignatureVerifier.Verify")]
    public bool Verify() => verifier.Verify(DeliveryId, timestamp, signature, body, now).IsValid;

    [Benchmark(Description = "WebhookToken.IsValid")]
    public bool Token() => tokens.IsValid(JobId, token);
}
