using System.Text;
using System.Text.Json;
using KlingFunctions.Pipelines;
using Microsoft.AspNetCore.Http;

namespace KlingFunctions.Core.Tests.Pipelines;

public sealed class PoisonMessageTests
{
    private static readonly HttpValidationProblemDetails Problem = new(new Dictionary<string, string[]> { ["duration"] = ["must be \"5\" or \"10\"."] })
    {
        Status = 400,
        Title = "The request is not valid.",
    };

    [Fact]
    public void The_original_message_is_kept_whole_beside_its_problem_and_its_field_errors()
    {
        const string original = """{"duration":"7","prompt":"a cat"}""";

        using var poisoned = JsonDocument.Parse(QueuedVideoRequests.PoisonMessage(original, "message-1", Problem));

        Assert.Equal(original, poisoned.RootElement.GetProperty("message").GetString());
        Assert.Equal("message-1", poisoned.RootElement.GetProperty("messageId").GetString());
        Assert.Equal(400, poisoned.RootElement.GetProperty("problem").GetProperty("status").GetInt32());
        Assert.Single(poisoned.RootElement.GetProperty("problem").GetProperty("errors").GetProperty("duration").EnumerateArray());
        Assert.False(poisoned.RootElement.TryGetProperty("truncated", out _));
    }

    [Fact]
    public void An_original_too_large_to_fit_beside_its_problem_is_cut_to_fit_a_queue_message_and_says_so()
    {
        // The largest message a base64 queue holds (48 KiB of text), as a pipeline with an inline image may send.
        var original = "{\"image\":\"" + new string('A', 48 * 1024 - 12) + "\"}";

        var text = QueuedVideoRequests.PoisonMessage(original, "message-2", Problem);
        using var poisoned = JsonDocument.Parse(text);

        Assert.InRange(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).Length, 1, 64 * 1024);
        Assert.True(poisoned.RootElement.GetProperty("truncated").GetBoolean());
        Assert.StartsWith(poisoned.RootElement.GetProperty("message").GetString()!, original, StringComparison.Ordinal);
    }
}
