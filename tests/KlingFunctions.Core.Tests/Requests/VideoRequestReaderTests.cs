using System.Text;
using KlingFunctions.Requests;

namespace KlingFunctions.Core.Tests.Requests;

public class VideoRequestReaderTests
{
    [Fact]
    public void Read_parses_every_field_by_its_Freepik_name()
    {
        const string json = """
            {
              "image": "https://images.example.com/cat.png",
              "prompt": "a cat stretches",
              "negative_prompt": "blur",
              "duration": "10",
              "cfg_scale": 0.25,
              "static_mask": "aGVsbG8=",
              "dynamic_masks": [{ "mask": "d29ybGQ=", "trajectories": [{ "x": 1, "y": 2 }, { "x": 3, "y": 4 }] }],
              "callback_url": "https://hooks.example.com/done"
            }
            """;

        var result = Read(json);

        Assert.True(result.IsValid);
        Assert.Equal(
            new VideoRequest
            {
                Image = "https://images.example.com/cat.png",
                Prompt = "a cat stretches",
                NegativePrompt = "blur",
                Duration = "10",
                CfgScale = 0.25,
                StaticMask = "aGVsbG8=",
                CallbackUrl = "https://hooks.example.com/done",
            },
            result.Request with { DynamicMasks = null });
        var mask = Assert.Single(result.Request.DynamicMasks!);
        Assert.Equal("d29ybGQ=", mask.Mask);
        Assert.Equal([new TrajectoryPoint { X = 1, Y = 2 }, new TrajectoryPoint { X = 3, Y = 4 }], mask.Trajectories!);
    }

    [Fact]
    public async Task ReadAsync_parses_a_stream()
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes("""{ "duration": "5", "prompt": "waves" }"""));

        var result = await VideoRequestReader.ReadAsync(body, CancellationToken.None);

        Assert.True(result.IsValid);
        Assert.Equal(new VideoRequest { Duration = "5", Prompt = "waves" }, result.Request);
    }

    [Fact]
    public async Task ReadAsync_reports_malformed_json_from_a_stream()
    {
        using var body = new MemoryStream(Encoding.UTF8.GetBytes("""{ "duration": """));

        var result = await VideoRequestReader.ReadAsync(body, CancellationToken.None);

        AssertOnlyError(result, RequestErrors.Body, "not valid JSON");
    }

    [Theory]
    [InlineData("""{ "dynamic_masks": [{ "mask": "aGk=", "trajectories": [{ "x": 1.5, "y": 2 }] }] }""", "dynamic_masks[0].trajectories[0].x", "must be an integer; got 1.5")]
    [InlineData("""{ "dynamic_masks": [{ "mask": "aGk=", "trajectories": [{ "x": 1, "y": "2" }] }] }""", "dynamic_masks[0].trajectories[0].y", "must be an integer; got the string \"2\"")]
    [InlineData("""{ "dynamic_masks": [{ "mask": "aGk=", "trajectories": [{ "x": 3000000000, "y": 2 }] }] }""", "dynamic_masks[0].trajectories[0].x", "must be an integer")]
    [InlineData("""{ "duration": 5 }""", "duration", "must be a string; got 5")]
    [InlineData("""{ "cfg_scale": "0.5" }""", "cfg_scale", "must be a number")]
    [InlineData("""{ "cfg_scale": true }""", "cfg_scale", "must be a number; got true")]
    [InlineData("""{ "image": { "url": "https://x.example" } }""", "image", "must be a string; got an object")]
    [InlineData("""{ "dynamic_masks": { "mask": "aGk=" } }""", "dynamic_masks", "must be an array")]
    [InlineData("""{ "dynamic_masks": [null] }""", "dynamic_masks[0]", "must be an object; got null")]
    [InlineData("""{ "dynamic_masks": [{ "mask": "aGk=", "trajectories": [[1, 2]] }] }""", "dynamic_masks[0].trajectories[0]", "must be an object; got an array")]
    public void Read_names_the_field_whose_value_has_the_wrong_type(string json, string field, string message)
    {
        var result = Read(json);

        AssertOnlyError(result, field, message);
    }

    [Fact]
    public void Read_reports_every_type_error_at_once()
    {
        var result = Read("""{ "duration": 5, "cfg_scale": "high", "dynamic_masks": [{ "mask": 1, "trajectories": [{ "x": 0.5, "y": -1.5 }] }] }""");

        Assert.False(result.IsValid);
        Assert.Equal(
            ["cfg_scale", "duration", "dynamic_masks[0].mask", "dynamic_masks[0].trajectories[0].x", "dynamic_masks[0].trajectories[0].y"],
            result.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_treats_null_as_absent()
    {
        var result = Read("""{ "duration": "5", "prompt": "waves", "cfg_scale": null, "dynamic_masks": null }""");

        Assert.True(result.IsValid);
        Assert.Null(result.Request.CfgScale);
    }

    [Fact]
    public void Read_does_not_echo_a_long_string_in_full()
    {
        var payload = new string('A', 100_000);

        var result = Read($$"""{ "cfg_scale": "{{payload}}" }""");

        Assert.True(Assert.Single(result.Errors["cfg_scale"]).Length < 200);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{ \"duration\": \"5\",  }")]
    [InlineData("{ duration: \"5\" }")]
    [InlineData("{ \"duration\": \"5\" } trailing")]
    public void Read_reports_malformed_json_on_the_body(string json)
    {
        var result = Read(json);

        AssertOnlyError(result, RequestErrors.Body, "not valid JSON");
    }

    [Fact]
    public void Read_reports_where_the_json_breaks()
    {
        var result = Read("{\n  \"duration\": \"5\",\n  }");

        AssertOnlyError(result, RequestErrors.Body, "(line 3, byte 3)");
    }

    [Fact]
    public void Read_leaves_out_parser_advice_the_caller_cannot_follow()
    {
        var result = Read("{ \"duration\": \"5\", }");

        var message = Assert.Single(result.Errors[RequestErrors.Body]);
        Assert.DoesNotContain("reader options", message, StringComparison.Ordinal);
        Assert.Contains("trailing comma", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "an array")]
    [InlineData("\"text\"", "the string \"text\"")]
    [InlineData("42", "42")]
    [InlineData("null", "null")]
    public void Read_requires_the_body_to_be_an_object(string json, string got)
    {
        var result = Read(json);

        AssertOnlyError(result, RequestErrors.Body, $"must be a JSON object; got {got}");
    }

    [Fact]
    public void Read_rejects_webhook_url_because_the_service_sets_it()
    {
        var result = Read("""{ "duration": "5", "prompt": "waves", "webhook_url": "https://evil.example/hook" }""");

        AssertOnlyError(result, "webhook_url", "this service sets it");
    }

    [Fact]
    public void Read_ignores_unknown_properties()
    {
        var result = Read("""{ "duration": "5", "prompt": "waves", "style": "anime", "extra": { "a": [1] } }""");

        Assert.True(result.IsValid);
        Assert.Equal(new VideoRequest { Duration = "5", Prompt = "waves" }, result.Request);
    }

    [Fact]
    public void Read_matches_names_case_sensitively()
    {
        var result = Read("""{ "Duration": "5", "PROMPT": "waves" }""");

        Assert.True(result.IsValid);
        Assert.Equal(new VideoRequest(), result.Request);
    }

    [Fact]
    public void Read_rejects_a_property_given_twice()
    {
        var result = Read("""{ "duration": "5", "duration": "10" }""");

        AssertOnlyError(result, RequestErrors.Body, "duration");
    }

    private static VideoRequestReadResult Read(string json) => VideoRequestReader.Read(Encoding.UTF8.GetBytes(json));

    private static void AssertOnlyError(VideoRequestReadResult result, string field, string messagePart)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Request);
        Assert.Equal([field], result.Errors.Keys);
        Assert.Contains(messagePart, Assert.Single(result.Errors[field]), StringComparison.Ordinal);
    }
}
