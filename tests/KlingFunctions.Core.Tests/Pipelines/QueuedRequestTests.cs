using System.Text;
using System.Text.Json;
using KlingFunctions.Pipelines;

namespace KlingFunctions.Core.Tests.Pipelines;

public sealed class QueuedRequestTests
{
    private const string Json = """{"image":"https://example.com/cat.png","prompt":"a cat","duration":"5"}""";

    [Fact]
    public void A_base64_message_is_decoded_as_the_Functions_host_encodes_by_default()
    {
        var request = QueuedRequest.Read(Convert.ToBase64String(Encoding.UTF8.GetBytes(Json)), "m-1");

        Assert.Equal(Json, Encoding.UTF8.GetString(request.Json.Span));
    }

    [Fact]
    public void A_plain_JSON_message_is_read_as_it_is_as_the_JavaScript_SDK_sends_it()
    {
        var request = QueuedRequest.Read(Json, "m-1");

        Assert.Equal(Json, Encoding.UTF8.GetString(request.Json.Span));
    }

    [Fact]
    public void A_message_without_a_key_is_started_under_its_id_and_its_copy_to_put_back_carries_that_key()
    {
        var request = QueuedRequest.Read(Json, "m-1");
        using var resendable = JsonDocument.Parse(request.Resendable);

        Assert.Equal("queue-message:m-1", request.IdempotencyKey);
        Assert.Equal("queue-message:m-1", resendable.RootElement.GetProperty("idempotency_key").GetString());
        Assert.Equal("a cat", resendable.RootElement.GetProperty("prompt").GetString());

        // Put back, under another message id, it names the same key.
        Assert.Equal("queue-message:m-1", QueuedRequest.Read(request.Resendable, "m-2").IdempotencyKey);
    }

    [Fact]
    public void An_empty_object_gets_the_key_as_its_only_property()
        => Assert.Equal("""{"idempotency_key":"queue-message:m-1"}""", QueuedRequest.Read("{}", "m-1").Resendable);

    [Fact]
    public void A_message_with_its_own_key_is_put_back_as_it_came()
    {
        const string keyed = """{"idempotency_key":"order-1","prompt":"a cat"}""";

        var request = QueuedRequest.Read(keyed, "m-1");

        Assert.Equal("order-1", request.IdempotencyKey);
        Assert.Equal(keyed, request.Resendable);
    }

    [Theory]
    [InlineData(12, "must be a non-empty string.")]
    [InlineData("", "must be a non-empty string.")]
    public void A_key_that_is_not_a_non_empty_string_is_an_error(object key, string error)
    {
        var request = QueuedRequest.Read(JsonSerializer.Serialize(new Dictionary<string, object> { ["idempotency_key"] = key }), "m-1");

        Assert.Equal(error, request.IdempotencyKeyError);
    }

    [Theory]
    [InlineData("start a video please")]
    [InlineData("[1,2,3]")]
    [InlineData("\"just a string\"")]
    public void A_message_that_is_no_JSON_object_is_put_back_as_text(string text)
    {
        Assert.Equal(text, QueuedRequest.Read(text, "m-1").Resendable);
        Assert.Equal(text, QueuedRequest.Read(Convert.ToBase64String(Encoding.UTF8.GetBytes(text)), "m-1").Resendable);
    }

    [Fact]
    public void Base64_of_bytes_that_are_not_UTF_8_is_decoded_and_put_back_as_it_came()
    {
        var text = Convert.ToBase64String([0xFF, 0xFE, 0x00, 0x81, 0x7B]);

        var request = QueuedRequest.Read(text, "m-1");

        Assert.Equal([0xFF, 0xFE, 0x00, 0x81, 0x7B], request.Json.ToArray());
        Assert.Equal(text, request.Resendable);
    }
}
