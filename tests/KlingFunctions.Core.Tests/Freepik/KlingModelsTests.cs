using System.Text.Json.Nodes;
using KlingFunctions.Workflow;

namespace KlingFunctions.Freepik;

/// <summary>
/// The catalogue against reference/KLING-MODELS.md: each model's paths, and the body it is sent for a request that
/// uses every field it takes, in its own names and forms.
/// </summary>
public sealed class KlingModelsTests
{
    private const string Image = "https://inputs.example.com/j/image.png?sig=1";
    private const string EndImage = "https://inputs.example.com/j/end_image.png?sig=2";
    private const string Mask = "https://inputs.example.com/j/static_mask.png?sig=3";

    public static TheoryData<string, string, string, string> Paths => new()
    {
        { "kling-v2-1-std", "v1/ai/image-to-video/kling-v2-1-std", "v1/ai/image-to-video/kling-v2-1/{task-id}", "v1/ai/image-to-video/kling-v2-1-std" },
        { "kling-v2-1-pro", "v1/ai/image-to-video/kling-v2-1-pro", "v1/ai/image-to-video/kling-v2-1/{task-id}", "v1/ai/image-to-video/kling-v2-1-pro" },
        { "kling-v2-1-master", "v1/ai/image-to-video/kling-v2-1-master", "v1/ai/image-to-video/kling-v2-1-master/{task-id}", "v1/ai/image-to-video/kling-v2-1-master" },
        { "kling-v2-5-pro", "v1/ai/image-to-video/kling-v2-5-pro", "v1/ai/image-to-video/kling-v2-5-pro/{task-id}", "v1/ai/image-to-video/kling-v2-5-pro" },
        { "kling-v2-6-pro", "v1/ai/image-to-video/kling-v2-6-pro", "v1/ai/image-to-video/kling-v2-6/{task-id}", "v1/ai/image-to-video/kling-v2-6" },
        { "kling-v3-pro", "v1/ai/video/kling-v3-pro", "v1/ai/video/kling-v3/{task-id}", "v1/ai/video/kling-v3" },
        { "kling-v3-std", "v1/ai/video/kling-v3-std", "v1/ai/video/kling-v3/{task-id}", "v1/ai/video/kling-v3" },
        { "kling-o1-pro", "v1/ai/image-to-video/kling-o1-pro", "v1/ai/image-to-video/kling-o1/{task-id}", "v1/ai/image-to-video/kling-o1" },
        { "kling-o1-std", "v1/ai/image-to-video/kling-o1-std", "v1/ai/image-to-video/kling-o1/{task-id}", "v1/ai/image-to-video/kling-o1" },
        { "kling-v2", "v1/ai/image-to-video/kling-v2", "v1/ai/image-to-video/kling-v2/{task-id}", "v1/ai/image-to-video/kling-v2" },
        { "kling-pro", "v1/ai/image-to-video/kling-pro", "v1/ai/image-to-video/kling/{task-id}", "v1/ai/image-to-video/kling-pro" },
        { "kling-std", "v1/ai/image-to-video/kling-std", "v1/ai/image-to-video/kling/{task-id}", "v1/ai/image-to-video/kling-std" },
    };

    /// <summary>The body each model is sent for an image job with every field it takes (aspect ratio 9:16, audio off).</summary>
    public static TheoryData<string, string> FullBodies => new()
    {
        { "kling-v2-1-std", """{"image":"I","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"static_mask":"M","dynamic_masks":[{"mask":"M","trajectories":[{"x":1,"y":2}]}],"webhook_url":"W"}""" },
        { "kling-v2-1-pro", """{"image":"I","image_tail":"E","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"static_mask":"M","dynamic_masks":[{"mask":"M","trajectories":[{"x":1,"y":2}]}],"webhook_url":"W"}""" },
        { "kling-v2-1-master", """{"image":"I","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"static_mask":"M","dynamic_masks":[{"mask":"M","trajectories":[{"x":1,"y":2}]}],"webhook_url":"W"}""" },
        { "kling-v2-5-pro", """{"image":"I","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"webhook_url":"W"}""" },
        { "kling-v2-6-pro", """{"image":"I","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"aspect_ratio":"social_story_9_16","generate_audio":false,"webhook_url":"W"}""" },
        { "kling-v3-pro", """{"start_image_url":"I","end_image_url":"E","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"aspect_ratio":"9:16","generate_audio":false,"webhook_url":"W"}""" },
        { "kling-v3-std", """{"start_image_url":"I","end_image_url":"E","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"aspect_ratio":"9:16","generate_audio":false,"webhook_url":"W"}""" },
        { "kling-o1-pro", """{"first_frame":"I","last_frame":"E","prompt":"P","duration":10,"aspect_ratio":"9:16","webhook_url":"W"}""" },
        { "kling-o1-std", """{"first_frame":"I","last_frame":"E","prompt":"P","duration":10,"aspect_ratio":"9:16","webhook_url":"W"}""" },
        { "kling-v2", """{"image":"I","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"webhook_url":"W"}""" },
        { "kling-pro", """{"image":"I","image_tail":"E","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"static_mask":"M","dynamic_masks":[{"mask":"M","trajectories":[{"x":1,"y":2}]}],"webhook_url":"W"}""" },
        { "kling-std", """{"image":"I","prompt":"P","negative_prompt":"N","duration":"10","cfg_scale":0.3,"static_mask":"M","dynamic_masks":[{"mask":"M","trajectories":[{"x":1,"y":2}]}],"webhook_url":"W"}""" },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Each_model_has_its_create_status_and_list_paths(string id, string create, string status, string list)
    {
        var model = KlingModels.Find(id)!;

        Assert.Equal((create, status, list), (model.CreatePath, model.StatusPath, model.ListPath));
    }

    [Fact]
    public void The_catalogue_holds_exactly_the_models_of_the_reference_it_serves()
        => Assert.Equal(Paths.Select(row => (string)row[0]).Order(StringComparer.Ordinal), KlingModels.All.Select(model => model.Id).Order(StringComparer.Ordinal));

    [Fact]
    public void A_status_path_carries_the_task_id_escaped()
        => Assert.Equal("v1/ai/image-to-video/kling-o1/a%2Fb%20c", KlingModels.Find("kling-o1-std")!.StatusPathFor("a/b c"));

    [Theory]
    [MemberData(nameof(FullBodies))]
    public void An_image_job_with_every_field_the_model_takes_is_sent_in_the_models_own_names_and_forms(string id, string expected)
    {
        var model = KlingModels.Find(id)!;

        var body = model.CreateBody(new VideoParameters(ModelRequests.EveryField(model, Image, EndImage, Mask)), "W");

        Assert.Equal(Short(JsonNode.Parse(expected)!), Short(body));
    }

    [Theory]
    [InlineData("kling-v2-1-std", """{"duration":"5"}""")]
    [InlineData("kling-o1-pro", """{"duration":5}""")]
    [InlineData("kling-v3-std", """{"duration":"5"}""")]
    public void A_job_without_a_duration_is_sent_the_default_duration_in_the_models_form(string id, string expected)
    {
        var body = KlingModels.Find(id)!.CreateBody(new VideoParameters(), webhookUrl: null);

        Assert.Equal(expected, body.ToJsonString());
    }

    [Theory]
    [InlineData("kling-v2-6-pro", "16:9", "widescreen_16_9")]
    [InlineData("kling-v2-6-pro", "1:1", "square_1_1")]
    [InlineData("kling-v2-6-pro", "social_story_9_16", "social_story_9_16")]
    [InlineData("kling-v2-1-master", "9:16", "social_story_9_16")]
    [InlineData("kling-v3-pro", "1:1", "1:1")]
    public void An_aspect_ratio_is_sent_in_the_models_spelling_whichever_the_caller_used(string id, string given, string sent)
    {
        var body = KlingModels.Find(id)!.CreateBody(new VideoParameters { Prompt = "p", AspectRatio = given }, webhookUrl: null);

        Assert.Equal(sent, body["aspect_ratio"]!.GetValue<string>());
    }

    [Fact]
    public void A_text_job_has_no_image_field_on_the_wire()
    {
        var body = KlingModels.Find("kling-v3-pro")!.CreateBody(new VideoParameters { Prompt = "a storm at sea", GenerateAudio = true }, webhookUrl: null);

        Assert.Equal("""{"prompt":"a storm at sea","duration":"5","generate_audio":true}""", body.ToJsonString());
    }

    [Fact]
    public void Only_the_text_models_take_a_job_without_an_image()
        => Assert.Equal(["kling-v2-1-master", "kling-v2-6-pro", "kling-v3-pro", "kling-v3-std"], KlingModels.All.Where(model => !model.ImageRequired).Select(model => model.Id));

    [Fact]
    public void The_default_model_is_Kling_2_1_Standard_as_before_models_could_be_chosen()
        => Assert.Equal("kling-v2-1-std", new FreepikOptions().DefaultModel);

    /// <summary>The body with the image URLs as I, E and M, so the expected bodies above stay readable.</summary>
    private static string Short(JsonNode body)
        => body.ToJsonString().Replace(Image, "I", StringComparison.Ordinal).Replace(EndImage, "E", StringComparison.Ordinal).Replace(Mask, "M", StringComparison.Ordinal);
}
