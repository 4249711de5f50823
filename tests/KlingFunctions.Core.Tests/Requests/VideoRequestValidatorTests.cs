using KlingFunctions.Requests;

namespace KlingFunctions.Core.Tests.Requests;

public class VideoRequestValidatorTests
{
    private const string ImageUrl = "https://images.example.com/cat.png";
    private const string TinyPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";

    private static readonly VideoRequest Valid = new() { Image = ImageUrl, Prompt = "a cat stretches", Duration = "5" };

    private static readonly TrajectoryPoint Origin = new() { X = 0, Y = 0 };

    private static readonly DynamicMask ValidMask = new() { Mask = ImageUrl, Trajectories = [Origin, new() { X = 10, Y = 20 }] };

    [Fact]
    public void Validate_accepts_a_complete_valid_request()
    {
        var request = Valid with
        {
            NegativePrompt = "blur",
            CfgScale = 0.7,
            StaticMask = TinyPng,
            DynamicMasks = [ValidMask],
            CallbackUrl = "https://hooks.example.com/videos?key=abc",
        };

        var result = Validate(request);

        Assert.True(result.IsValid, string.Join(" ", result.Errors.SelectMany(e => e.Value)));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("10")]
    public void Validate_accepts_the_documented_durations(string duration)
    {
        var result = Validate(Valid with { Duration = duration });

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Validate_accepts_no_duration_the_model_then_gets_its_default()
    {
        var result = Validate(Valid with { Duration = null });

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7")]
    [InlineData("05")]
    [InlineData("5 ")]
    [InlineData("10s")]
    public void Validate_rejects_an_undocumented_duration(string? duration)
    {
        var result = Validate(Valid with { Duration = duration });

        AssertOnlyError(result, "duration");
    }

    [Fact]
    public void Validate_names_the_rejected_duration_in_the_message()
    {
        var result = Validate(Valid with { Duration = "7" });

        Assert.Contains("\"7\"", Assert.Single(result.Errors["duration"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void Validate_accepts_cfg_scale_from_0_to_1_or_absent(double? cfgScale)
    {
        var result = Validate(Valid with { CfgScale = cfgScale });

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Validate_rejects_cfg_scale_outside_0_to_1(double cfgScale)
    {
        var result = Validate(Valid with { CfgScale = cfgScale });

        AssertOnlyError(result, "cfg_scale");
    }

    [Theory]
    [InlineData("prompt")]
    [InlineData("negative_prompt")]
    public void Validate_accepts_prompts_of_2500_characters(string field)
    {
        var result = Validate(WithPrompt(field, new string('a', 2500)));

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData("prompt")]
    [InlineData("negative_prompt")]
    public void Validate_rejects_prompts_over_2500_characters(string field)
    {
        var result = Validate(WithPrompt(field, new string('a', 2501)));

        AssertOnlyError(result, field);
        Assert.Contains("2501", result.Errors[field][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_counts_an_emoji_as_one_character()
    {
        var result = Validate(Valid with { Prompt = string.Concat(Enumerable.Repeat("🐈", 2500)) });

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_requires_a_prompt_when_there_is_no_image(string? prompt)
    {
        var result = Validate(Valid with { Model = "kling-v3-pro", Image = null, Prompt = prompt });

        AssertOnlyError(result, "prompt");
    }

    [Fact]
    public void Validate_accepts_a_prompt_without_an_image_on_a_model_that_makes_videos_from_text()
    {
        var result = Validate(Valid with { Model = "kling-v2-1-master", Image = null });

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Validate_requires_an_image_on_a_model_that_makes_videos_from_images_only_and_names_those_that_do_not()
    {
        var result = Validate(Valid with { Image = null });

        AssertOnlyError(result, "image");
        Assert.Contains("kling-v2-1-master, kling-v2-6-pro, kling-v3-pro, kling-v3-std", result.Errors["image"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_accepts_an_image_without_a_prompt()
    {
        var result = Validate(Valid with { Prompt = null });

        Assert.True(result.IsValid);
    }

    public static TheoryData<string, string> AcceptedImages => new()
    {
        { "image", ImageUrl },
        { "image", TinyPng },
        { "image", "data:image/png;base64," + TinyPng },
        { "static_mask", ImageUrl },
        { "static_mask", "data:image/png;base64," + TinyPng },
        { "dynamic_masks[0].mask", TinyPng },
        { "dynamic_masks[0].mask", "data:image/jpeg;base64," + TinyPng },
    };

    [Theory]
    [MemberData(nameof(AcceptedImages))]
    public void Validate_accepts_https_urls_base64_and_data_urls_for_images_and_masks(string field, string value)
    {
        var result = Validate(WithImage(field, value));

        Assert.True(result.IsValid, string.Join(" ", result.Errors.SelectMany(e => e.Value)));
    }

    public static TheoryData<string, string> RejectedImages => new()
    {
        { "image", "http://images.example.com/cat.png" },
        { "image", "ftp://images.example.com/cat.png" },
        { "image", "cat.png" },
        { "image", "" },
        { "image", "data:image/png," + TinyPng },
        { "image", "iVBORw0KGgo!" },
        { "static_mask", "http://images.example.com/mask.png" },
        { "static_mask", "not base64" },
        { "dynamic_masks[0].mask", "http://images.example.com/mask.png" },
        { "dynamic_masks[0].mask", "abc" },
    };

    [Theory]
    [MemberData(nameof(RejectedImages))]
    public void Validate_rejects_images_and_masks_that_are_neither_https_urls_nor_base64(string field, string value)
    {
        var result = Validate(WithImage(field, value));

        AssertOnlyError(result, field);
    }

    [Theory]
    [InlineData("image")]
    [InlineData("static_mask")]
    [InlineData("dynamic_masks[0].mask")]
    public void Validate_accepts_base64_of_exactly_10_MB(string field)
    {
        var result = Validate(WithImage(field, Base64Of(10 * 1024 * 1024)));

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData("image")]
    [InlineData("static_mask")]
    [InlineData("dynamic_masks[0].mask")]
    public void Validate_rejects_base64_of_10_MB_and_one_byte(string field)
    {
        var result = Validate(WithImage(field, Base64Of((10 * 1024 * 1024) + 1)));

        AssertOnlyError(result, field);
        Assert.Contains("10,485,761 bytes", result.Errors[field][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_does_not_echo_a_base64_payload()
    {
        var payload = Base64Of((10 * 1024 * 1024) + 1);

        var result = Validate(Valid with { Image = "data:image/png;base64," + payload });

        Assert.True(result.Errors["image"][0].Length < 200);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Validate_rejects_masks_without_an_image(bool staticMask)
    {
        var request = staticMask
            ? Valid with { Image = null, StaticMask = TinyPng }
            : Valid with { Image = null, DynamicMasks = [ValidMask] };

        var result = Validate(request);

        AssertOnlyError(result, "image");
    }

    [Fact]
    public void Validate_requires_a_mask_in_each_dynamic_mask()
    {
        var result = Validate(Valid with { DynamicMasks = [ValidMask, ValidMask with { Mask = null }] });

        AssertOnlyError(result, "dynamic_masks[1].mask");
    }

    [Fact]
    public void Validate_rejects_a_null_dynamic_mask()
    {
        var result = Validate(Valid with { DynamicMasks = [null!] });

        AssertOnlyError(result, "dynamic_masks[0]");
    }

    [Fact]
    public void Validate_requires_trajectories_in_each_dynamic_mask()
    {
        var result = Validate(Valid with { DynamicMasks = [ValidMask with { Trajectories = null }] });

        AssertOnlyError(result, "dynamic_masks[0].trajectories");
    }

    [Fact]
    public void Validate_requires_at_least_one_trajectory_point()
    {
        var result = Validate(Valid with { DynamicMasks = [ValidMask with { Trajectories = [] }] });

        AssertOnlyError(result, "dynamic_masks[0].trajectories");
    }

    [Fact]
    public void Validate_accepts_a_single_trajectory_point_at_the_origin()
    {
        var result = Validate(Valid with { DynamicMasks = [ValidMask with { Trajectories = [Origin] }] });

        Assert.True(result.IsValid);
    }

    public static TheoryData<TrajectoryPoint?, string> RejectedPoints => new()
    {
        { new TrajectoryPoint { Y = 1 }, "dynamic_masks[0].trajectories[2].x" },
        { new TrajectoryPoint { X = 1 }, "dynamic_masks[0].trajectories[2].y" },
        { new TrajectoryPoint { X = -1, Y = 1 }, "dynamic_masks[0].trajectories[2].x" },
        { new TrajectoryPoint { X = 1, Y = -5 }, "dynamic_masks[0].trajectories[2].y" },
        { null, "dynamic_masks[0].trajectories[2]" },
    };

    [Theory]
    [MemberData(nameof(RejectedPoints))]
    public void Validate_names_the_trajectory_point_with_a_missing_or_negative_coordinate(TrajectoryPoint? point, string field)
    {
        var request = Valid with { DynamicMasks = [ValidMask with { Trajectories = [Origin, Origin, point!] }] };

        var result = Validate(request);

        AssertOnlyError(result, field);
    }

    [Theory]
    [InlineData("https://hooks.example.com/videos")]
    [InlineData("http://localhost:7071/api/done")]
    [InlineData("http://LOCALHOST/done")]
    [InlineData("http://127.0.0.1:5000/done")]
    [InlineData("http://127.1.2.3/done")]
    [InlineData("http://[::1]:8080/done")]
    public void Validate_accepts_https_callbacks_and_http_to_loopback(string callbackUrl)
    {
        var result = Validate(Valid with { CallbackUrl = callbackUrl });

        Assert.True(result.IsValid);
    }

    [Theory]
    [InlineData("http://example.com/done")]
    [InlineData("http://10.0.0.1/done")]
    [InlineData("http://localhost.example.com/done")]
    [InlineData("ftp://example.com/done")]
    [InlineData("/api/done")]
    [InlineData("example.com/done")]
    [InlineData("")]
    public void Validate_rejects_callbacks_that_are_not_https_or_loopback_http(string callbackUrl)
    {
        var result = Validate(Valid with { CallbackUrl = callbackUrl });

        AssertOnlyError(result, "callback_url");
    }

    [Fact]
    public void Validate_echoes_only_the_authority_of_an_http_callback()
    {
        var result = Validate(Valid with { CallbackUrl = "http://user:pw@example.com/done?key=secret" });

        var message = Assert.Single(result.Errors["callback_url"]);
        Assert.Contains("http://example.com", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_returns_every_problem_at_once()
    {
        var request = new VideoRequest
        {
            Duration = "3",
            CfgScale = 2,
            NegativePrompt = new string('n', 2501),
            StaticMask = "http://images.example.com/mask.png",
            DynamicMasks = [new DynamicMask { Mask = ImageUrl, Trajectories = [new TrajectoryPoint { X = 1 }] }],
            CallbackUrl = "http://example.com/done",
        };

        var result = Validate(request);

        Assert.Equal(
            ["callback_url", "cfg_scale", "duration", "dynamic_masks[0].trajectories[0].y", "image", "negative_prompt", "static_mask"],
            result.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_counts_images_uploaded_as_file_parts_as_present()
    {
        var request = Valid with { Image = null, Prompt = null, StaticMask = null, DynamicMasks = [ValidMask with { Mask = null }] };

        var result = Validate(request, new HashSet<string> { "image", "dynamic_masks[0].mask" });

        Assert.True(result.IsValid, string.Join(" ", result.Errors.SelectMany(e => e.Value)));
    }

    [Fact]
    public void Validate_still_requires_a_dynamic_mask_that_was_neither_given_nor_uploaded()
    {
        var request = Valid with { Image = null, DynamicMasks = [ValidMask with { Mask = null }] };

        var result = Validate(request, new HashSet<string> { "image" });

        AssertOnlyError(result, "dynamic_masks[0].mask");
    }

    /// <summary>With 2.1 Std as the default model, as configured unless changed.</summary>
    private static RequestErrors Validate(VideoRequest request, IReadOnlySet<string>? uploads = null)
        => VideoRequestValidator.Validate(request, KlingFunctions.Freepik.KlingModels.OriginalId, uploads);

    private static void AssertOnlyError(RequestErrors result, string field)
    {
        Assert.False(result.IsValid);
        Assert.Equal([field], result.Errors.Keys);
        Assert.All(result.Errors[field], message => Assert.False(string.IsNullOrWhiteSpace(message)));
    }

    private static VideoRequest WithPrompt(string field, string text) => field switch
    {
        "prompt" => Valid with { Prompt = text },
        "negative_prompt" => Valid with { NegativePrompt = text },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    private static VideoRequest WithImage(string field, string value) => field switch
    {
        "image" => Valid with { Image = value },
        "static_mask" => Valid with { StaticMask = value },
        "dynamic_masks[0].mask" => Valid with { DynamicMasks = [ValidMask with { Mask = value }] },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };

    /// <summary>Base64 that decodes to exactly <paramref name="bytes"/> zero bytes, built without encoding anything.</summary>
    private static string Base64Of(int bytes)
    {
        var padding = (3 - (bytes % 3)) % 3;
        var length = (bytes + padding) / 3 * 4;
        return new string('A', length - padding) + new string('=', padding);
    }
}
