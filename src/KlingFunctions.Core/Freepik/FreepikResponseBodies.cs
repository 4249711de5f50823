using System.Text.Json.Serialization;

namespace KlingFunctions.Freepik;

/// <summary><c>{"data":{…}}</c>, as the create and status calls answer.</summary>
internal sealed record FreepikTaskEnvelope([property: JsonPropertyName("data")] FreepikTaskBody? Data);

internal sealed record FreepikTaskBody(
    [property: JsonPropertyName("task_id")] string? TaskId,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("generated")] IReadOnlyList<string>? Generated);

/// <summary>
/// Freepik's error bodies come in three shapes: <c>{"message"}</c>, <c>{"message","invalid_params"}</c> and the
/// latter wrapped in <c>{"problem":{…}}</c>. One recursive record reads all three.
/// </summary>
internal sealed record FreepikErrorBody(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("invalid_params")] IReadOnlyList<FreepikInvalidParamBody?>? InvalidParams,
    [property: JsonPropertyName("problem")] FreepikErrorBody? Problem);

internal sealed record FreepikInvalidParamBody(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("reason")] string? Reason);
