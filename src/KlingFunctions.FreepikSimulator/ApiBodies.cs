using System.Text.Json;
using KlingFunctions.Freepik;

namespace KlingFunctions.FreepikSimulator;

/// <summary>Freepik's <c>{"data": …}</c> wrapper.</summary>
internal sealed record DataBody<T>(T Data);

/// <summary>A task in status responses and webhooks (the latter without the data wrapper).</summary>
internal sealed record TaskBody(string TaskId, string Status, IReadOnlyList<string> Generated);

/// <summary>A task in create and list responses.</summary>
internal sealed record TaskSummary(string TaskId, string Status);

internal sealed record MessageBody(string Message);

internal sealed record ProblemBody(string Message, IReadOnlyList<FreepikInvalidParam> InvalidParams);

/// <summary>Freepik's snake_case JSON for the answers (create bodies are read as they come).</summary>
internal static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
