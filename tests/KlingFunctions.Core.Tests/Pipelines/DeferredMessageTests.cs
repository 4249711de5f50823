using System.Text.Json;
using KlingFunctions.Pipelines;

namespace KlingFunctions.Core.Tests.Pipelines;

/// <summary>A message that waits on the queue for the next day keeps naming the one job it was meant to start.</summary>
public sealed class DeferredMessageTests
{
    [Fact]
    public void A_message_without_a_key_gets_the_key_its_id_gave_it_and_keeps_the_rest_as_sent()
    {
        const string original = """ { "image":"https://x.example/cat.png", "prompt":"a cat" }""";

        var copy = QueuedVideoRequests.WithIdempotencyKey(original, "queue-message:abc");

        Assert.Equal(""" {"idempotency_key":"queue-message:abc", "image":"https://x.example/cat.png", "prompt":"a cat" }""", copy);
        Assert.Equal("queue-message:abc", JsonDocument.Parse(copy).RootElement.GetProperty("idempotency_key").GetString());
    }

    [Fact]
    public void A_message_with_a_key_is_kept_as_it_is()
    {
        const string original = """{"prompt":"a cat","idempotency_key":"order-4711"}""";

        Assert.Same(original, QueuedVideoRequests.WithIdempotencyKey(original, "queue-message:abc"));
    }

    [Fact]
    public void A_key_that_needs_escaping_stays_valid_JSON()
    {
        var copy = QueuedVideoRequests.WithIdempotencyKey("{}", "a \"quoted\" key");

        Assert.Equal("a \"quoted\" key", JsonDocument.Parse(copy).RootElement.GetProperty("idempotency_key").GetString());
    }
}
