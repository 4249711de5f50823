using KlingFunctions.Freepik;
using KlingFunctions.Requests;

namespace KlingFunctions.Core.Tests.Requests;

/// <summary>
/// One request shape for every model, checked against the chosen model: a field it does not take, or a value outside
/// its values or range, is refused with a message that names the field and what would be accepted. Nothing is dropped.
/// </summary>
public sealed class ModelValidationTests
{
    private const string ImageUrl = "https://images.example.com/cat.png";

    private static readonly DynamicMask Mask = new() { Mask = ImageUrl, Trajectories = [new TrajectoryPoint { X = 1, Y = 2 }] };

    public static TheoryData<string> Models => [.. KlingModels.All.Select(model => model.Id)];

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_model_accepts_an_image_and_a_prompt(string model)
        => Assert.True(Validate(new VideoRequest { Model = model, Image = ImageUrl, Prompt = "a cat" }).IsValid);

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_model_accepts_every_field_it_takes_for_an_image_job(string id)
    {
        var result = Validate(ModelRequests.EveryField(KlingModels.Find(id)!, ImageUrl, ImageUrl, ImageUrl));

        Assert.True(result.IsValid, string.Join(" ", result.Errors.SelectMany(e => e.Value)));
    }

    [Theory]
    [InlineData("kling-v2-1-std", "end_image", "kling-v2-1-pro, kling-v3-pro, kling-v3-std, kling-o1-pro, kling-o1-std, kling-pro")]
    [InlineData("kling-std", "end_image", "kling-v2-1-pro, kling-v3-pro, kling-v3-std, kling-o1-pro, kling-o1-std, kling-pro")]
    [InlineData("kling-v2-5-pro", "static_mask", "kling-v2-1-std, kling-v2-1-pro, kling-v2-1-master, kling-pro, kling-std")]
    [InlineData("kling-v2-5-pro", "dynamic_masks", "kling-v2-1-std, kling-v2-1-pro, kling-v2-1-master, kling-pro, kling-std")]
    [InlineData("kling-v2-1-std", "generate_audio", "kling-v2-6-pro, kling-v3-pro, kling-v3-std")]
    [InlineData("kling-v2-1-pro", "aspect_ratio", "kling-v2-1-master, kling-v2-6-pro, kling-v3-pro, kling-v3-std, kling-o1-pro, kling-o1-std")]
    [InlineData("kling-o1-pro", "negative_prompt", "kling-v2-1-std, kling-v2-1-pro, kling-v2-1-master, kling-v2-5-pro, kling-v2-6-pro, kling-v3-pro, kling-v3-std, kling-v2, kling-pro, kling-std")]
    [InlineData("kling-o1-std", "cfg_scale", "kling-v2-1-std, kling-v2-1-pro, kling-v2-1-master, kling-v2-5-pro, kling-v2-6-pro, kling-v3-pro, kling-v3-std, kling-v2, kling-pro, kling-std")]
    [InlineData("kling-v3-pro", "static_mask", "kling-v2-1-std, kling-v2-1-pro, kling-v2-1-master, kling-pro, kling-std")]
    public void A_field_the_model_does_not_take_is_refused_naming_the_models_that_take_it(string model, string field, string takers)
    {
        var result = Validate(With(new VideoRequest { Model = model, Image = ImageUrl, Prompt = "a cat" }, field));

        var message = Assert.Single(Assert.Single(result.Errors).Value);
        Assert.Equal(field, Assert.Single(result.Errors).Key);
        Assert.Contains($"not taken by {model}", message, StringComparison.Ordinal);
        Assert.EndsWith($"the models that take it: {takers}.", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kling-v3-pro", "2", "\"3\", \"4\", \"5\"")]
    [InlineData("kling-v3-pro", "16", "\"15\"")]
    [InlineData("kling-o1-pro", "15", "\"5\", \"10\"")]
    [InlineData("kling-v2-1-std", "3", "\"5\", \"10\"")]
    public void A_duration_outside_the_models_values_is_refused_naming_them(string model, string duration, string named)
    {
        var result = Validate(new VideoRequest { Model = model, Image = ImageUrl, Duration = duration });

        Assert.Contains(named, Assert.Single(result.Errors["duration"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kling-v3-std", "3")]
    [InlineData("kling-v3-std", "15")]
    public void Kling_3_takes_durations_from_3_to_15_seconds(string model, string duration)
        => Assert.True(Validate(new VideoRequest { Model = model, Image = ImageUrl, Duration = duration }).IsValid);

    [Theory]
    [InlineData("kling-v2-6-pro", "16:9")]
    [InlineData("kling-v2-6-pro", "widescreen_16_9")]
    [InlineData("kling-v3-pro", "9:16")]
    [InlineData("kling-o1-std", "1:1")]
    public void An_aspect_ratio_is_taken_as_a_ratio_or_in_the_models_own_spelling(string model, string ratio)
        => Assert.True(Validate(new VideoRequest { Model = model, Image = ImageUrl, AspectRatio = ratio }).IsValid);

    [Theory]
    [InlineData("kling-v3-pro", "widescreen_16_9")]
    [InlineData("kling-v2-6-pro", "4:3")]
    public void An_aspect_ratio_the_model_does_not_spell_is_refused_naming_the_allowed_values(string model, string ratio)
    {
        var message = Assert.Single(Validate(new VideoRequest { Model = model, Image = ImageUrl, AspectRatio = ratio }).Errors["aspect_ratio"]);

        Assert.Contains("\"16:9\", \"9:16\", \"1:1\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kling_2_1_Master_takes_an_aspect_ratio_only_for_a_video_from_a_prompt_alone()
    {
        var imageJob = Validate(new VideoRequest { Model = "kling-v2-1-master", Image = ImageUrl, AspectRatio = "16:9" });
        var textJob = Validate(new VideoRequest { Model = "kling-v2-1-master", Prompt = "a storm", AspectRatio = "16:9" });

        Assert.Contains("only for a video from a prompt alone", Assert.Single(imageJob.Errors["aspect_ratio"]), StringComparison.Ordinal);
        Assert.True(textJob.IsValid);
    }

    [Theory]
    [InlineData("kling-v3-std", 1.01)]
    [InlineData("kling-v2-6-pro", -0.5)]
    public void A_cfg_scale_outside_the_models_range_is_refused_naming_it(string model, double cfgScale)
        => Assert.Contains("between 0 and 1", Assert.Single(Validate(new VideoRequest { Model = model, Image = ImageUrl, CfgScale = cfgScale }).Errors["cfg_scale"]), StringComparison.Ordinal);

    [Theory]
    [InlineData("kling-v2-1-master")]
    [InlineData("kling-v2-6-pro")]
    [InlineData("kling-v3-pro")]
    [InlineData("kling-v3-std")]
    public void A_text_model_takes_a_prompt_alone(string model)
        => Assert.True(Validate(new VideoRequest { Model = model, Prompt = "a lighthouse in a storm" }).IsValid);

    [Theory]
    [InlineData("kling-v2-1-std")]
    [InlineData("kling-v2-5-pro")]
    [InlineData("kling-o1-pro")]
    [InlineData("kling-v2")]
    [InlineData("kling-pro")]
    public void An_image_model_refuses_a_prompt_alone(string model)
        => Assert.Contains("image is required", Assert.Single(Validate(new VideoRequest { Model = model, Prompt = "a storm" }).Errors["image"]), StringComparison.Ordinal);

    [Fact]
    public void An_end_frame_needs_an_image()
        => Assert.Contains("end_image", Assert.Single(Validate(new VideoRequest { Model = "kling-v3-pro", Prompt = "a storm", EndImage = ImageUrl }).Errors["image"]), StringComparison.Ordinal);

    [Fact]
    public void An_end_frame_given_as_a_file_part_counts_as_given()
    {
        var result = VideoRequestValidator.Validate(new VideoRequest { Model = "kling-v2-1-std", Image = ImageUrl }, KlingModels.OriginalId, new HashSet<string> { "end_image" });

        Assert.Equal(["end_image"], result.Errors.Keys);
    }

    [Fact]
    public void An_end_frame_is_checked_as_an_image()
        => Assert.Contains("https", Assert.Single(Validate(new VideoRequest { Model = "kling-v2-1-pro", Image = ImageUrl, EndImage = "ftp://x/y.png" }).Errors["end_image"]), StringComparison.Ordinal);

    [Fact]
    public void An_unknown_model_is_refused_naming_the_catalogue()
    {
        var message = Assert.Single(Validate(new VideoRequest { Model = "kling-v9", Image = ImageUrl }).Errors["model"]);

        Assert.Contains("kling-v2-1-std, kling-v2-1-pro", message, StringComparison.Ordinal);
        Assert.Contains("\"kling-v9\"", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_without_a_model_is_checked_against_the_configured_default()
    {
        var request = new VideoRequest { Image = ImageUrl, EndImage = ImageUrl };

        Assert.False(VideoRequestValidator.Validate(request, "kling-v2-1-std").IsValid);
        Assert.True(VideoRequestValidator.Validate(request, "kling-v2-1-pro").IsValid);
    }

    [Fact]
    public void An_empty_list_of_dynamic_masks_is_no_masks()
        => Assert.True(Validate(new VideoRequest { Model = "kling-v3-pro", Image = ImageUrl, DynamicMasks = [] }).IsValid);

    private static RequestErrors Validate(VideoRequest request) => VideoRequestValidator.Validate(request, KlingModels.OriginalId);

    private static VideoRequest With(VideoRequest request, string field) => field switch
    {
        "end_image" => request with { EndImage = ImageUrl },
        "static_mask" => request with { StaticMask = ImageUrl },
        "dynamic_masks" => request with { DynamicMasks = [Mask] },
        "generate_audio" => request with { GenerateAudio = true },
        "aspect_ratio" => request with { AspectRatio = "16:9" },
        "negative_prompt" => request with { NegativePrompt = "blur" },
        "cfg_scale" => request with { CfgScale = 0.5 },
        _ => throw new ArgumentOutOfRangeException(nameof(field)),
    };
}
