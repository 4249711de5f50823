using System.Net.Http.Json;
using System.Text.Json;

namespace KlingFunctions.FreepikSimulator.Tests;

/// <summary>Plain HTTP calls to the simulator, as a Freepik client would make them.</summary>
internal static class FreepikApi
{
    // Relative, so a client whose base address carries a prefix keeps it.
    public static string CreatePath => FreepikSimulatorEndpoints.CreatePath.TrimStart('/');

    public static string StatusPath(string taskId) => $"v1/ai/image-to-video/kling-v2-1/{taskId}";

    public static Dictionary<string, object?> Body(string prompt = "a cat walks", string? webhookUrl = null) => new()
    {
        ["image"] = "https://images.example.com/cat.png",
        ["prompt"] = prompt,
        ["duration"] = "5",
        ["webhook_url"] = webhookUrl,
    };

    public static Task<HttpResponseMessage> PostCreateAsync(HttpClient client, object body, CancellationToken cancellationToken = default)
        => client.PostAsJsonAsync(CreatePath, body, cancellationToken);

    public static async Task<string> CreateTaskAsync(HttpClient client, string prompt = "a cat walks", string? webhookUrl = null)
    {
        using var response = await PostCreateAsync(client, Body(prompt, webhookUrl));
        response.EnsureSuccessStatusCode();
        var data = await DataAsync(response);
        return data.GetProperty("task_id").GetString()!;
    }

    public static async Task<JsonElement> GetTaskAsync(HttpClient client, string taskId)
    {
        using var response = await client.GetAsync(StatusPath(taskId));
        response.EnsureSuccessStatusCode();
        return await DataAsync(response);
    }

    public static async Task<JsonElement> DataAsync(HttpResponseMessage response)
        => (await JsonAsync(response)).GetProperty("data");

    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    public static string[] Generated(JsonElement task)
        => [.. task.GetProperty("generated").EnumerateArray().Select(url => url.GetString()!)];
}
