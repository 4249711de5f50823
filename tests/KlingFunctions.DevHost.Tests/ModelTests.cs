using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlingFunctions.Freepik;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Testing;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// Every Kling model through the DevHost on real sockets, against the simulator, whose own table of each model's
/// documented fields refuses any other (a wrong wire name fails the job): the create path, the body in the model's
/// names, the status path (webhooks are lost, so only polls at the right path can finish a job), end frames and
/// prompts alone.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class ModelTests(AzuriteFixture azurite)
{
    /// <summary>Each model's own names for the image and the end frame (KLING-MODELS.md); null where it takes no end frame.</summary>
    private static readonly Dictionary<string, (string Image, string? EndImage)> WireNames = new(StringComparer.Ordinal)
    {
        ["kling-v2-1-std"] = ("image", null),
        ["kling-v2-1-pro"] = ("image", "image_tail"),
        ["kling-v2-1-master"] = ("image", null),
        ["kling-v2-5-pro"] = ("image", null),
        ["kling-v2-6-pro"] = ("image", null),
        ["kling-v3-pro"] = ("start_image_url", "end_image_url"),
        ["kling-v3-std"] = ("start_image_url", "end_image_url"),
        ["kling-o1-pro"] = ("first_frame", "last_frame"),
        ["kling-o1-std"] = ("first_frame", "last_frame"),
        ["kling-v2"] = ("image", null),
        ["kling-pro"] = ("image", "image_tail"),
        ["kling-std"] = ("image", null),
    };

    private static readonly string[] TextModels = ["kling-v2-1-master", "kling-v2-6-pro", "kling-v3-pro", "kling-v3-std"];

    /// <summary>Polls at once and often; room for every job at once, on our side and the simulator's.</summary>
    private static readonly Dictionary<string, string?> EveryModelAtOnce = new()
    {
        ["Workflow:FirstPoll"] = "00:00:00.100",
        ["Workflow:MaxPollInterval"] = "00:00:00.250",
        ["Freepik:MaxConcurrentTasks"] = "20",
        ["FreepikSimulator:MaxConcurrentTasks"] = "20",
    };

    [Fact]
    public async Task Every_model_makes_a_video_from_an_image_created_at_its_path_in_its_own_names_and_polled_at_its_status_path()
    {
        await using var host = await TestDevHost.StartAsync(azurite, EveryModelAtOnce);
        host.Simulator.Script("every model", new TaskScript { Webhooks = WebhookFault.Lost });

        var jobs = await Task.WhenAll(KlingModels.All.Select(async model => (Model: model, Id: await host.StartAsync($"every model: {model.Id}", EveryField(model)))));
        var failures = new List<string>();
        foreach (var (model, id) in jobs)
        {
            var view = await host.WaitUntilFinishedAsync(id);
            var task = host.Simulator.Tasks.Single(task => task.Prompt == $"every model: {model.Id}");
            var (image, endImage) = WireNames[model.Id];
            Check(failures, model.Id, "the job completed", view.GetProperty("status").GetString() == "Completed", view.GetRawText());
            Check(failures, model.Id, "the view names the model", view.GetProperty("model").GetString() == model.Id, view.GetRawText());
            Check(failures, model.Id, "created at its create path", task.Model == model.Id, task.Model);
            Check(failures, model.Id, "polled at its status path", host.Simulator.Calls.StatusCallsFor(task.TaskId) > 0 && view.GetProperty("polls").GetInt32() > 0, view.GetRawText());
            Check(failures, model.Id, $"the image as {image}", task.Body[image]?.GetValue<string>().Contains($"{id}/image.png?", StringComparison.Ordinal) == true, task.Body.ToJsonString());
            Check(failures, model.Id, $"the end frame as {endImage}", endImage is null || task.Body[endImage]?.GetValue<string>().Contains($"{id}/end_image.jpg?", StringComparison.Ordinal) == true, task.Body.ToJsonString());
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(KlingModels.All.Count, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task The_models_that_allow_it_make_a_video_from_a_prompt_alone_and_the_others_refuse_it_with_400()
    {
        await using var host = await TestDevHost.StartAsync(azurite, EveryModelAtOnce);
        host.Simulator.Script("a prompt alone", new TaskScript { Webhooks = WebhookFault.Lost });

        var ids = await Task.WhenAll(TextModels.Select(model => StartAsync(host, new() { ["model"] = model, ["prompt"] = $"a prompt alone: {model}", ["aspect_ratio"] = "9:16" })));
        using var refused = await host.PostAsync(new Dictionary<string, object?> { ["model"] = "kling-v2-5-pro", ["prompt"] = "a prompt alone" });
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();

        foreach (var (model, id) in TextModels.Zip(ids))
        {
            var view = await host.WaitUntilFinishedAsync(id);
            var body = host.Simulator.Tasks.Single(task => task.Prompt == $"a prompt alone: {model}").Body;
            Assert.True(view.GetProperty("status").GetString() == "Completed", $"{model}: {view.GetRawText()}");
            Assert.DoesNotContain(body, property => property.Key is "image" or "start_image_url" or "first_frame");
            Assert.Contains(body["aspect_ratio"]!.GetValue<string>(), (string[])["9:16", "social_story_9_16"]);
        }

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("kling-v2-1-master, kling-v2-6-pro, kling-v3-pro, kling-v3-std", problem.GetProperty("errors").GetProperty("image")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(TextModels.Length, host.Simulator.Calls.TasksCreated);
    }

    [Fact]
    public async Task An_end_frame_sent_as_a_file_part_is_staged_like_the_image_and_Freepik_reads_our_copy()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        using var form = new MultipartFormDataContent
        {
            { new StringContent("kling-v2-1-pro"), "model" },
            { new ByteArrayContent(TestImages.Png(1280, 720)), "image", "first.png" },
            { new ByteArrayContent(TestImages.Jpeg(1280, 720)), "end_image", "last.jpg" },
            { new StringContent("from the first frame to the last"), "prompt" },
        };

        using var response = await host.Client.PostAsync("/api/videos", form);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var view = await host.WaitUntilFinishedAsync(id);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("Completed", view.GetProperty("status").GetString());
        var sent = host.Simulator.Tasks.Single().Body;
        var endFrame = new Uri(sent["image_tail"]!.GetValue<string>());
        Assert.EndsWith($"/{id}/end_image.jpg", endFrame.AbsolutePath, StringComparison.Ordinal);
        Assert.Contains("sig=", endFrame.Query, StringComparison.Ordinal);
        Assert.Contains("sp=r", endFrame.Query, StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.Equal(TestImages.Jpeg(1280, 720), await http.GetByteArrayAsync(endFrame));
    }

    [Fact]
    public async Task An_end_frame_that_breaks_the_image_rules_is_refused_at_the_edge_like_the_image_before_anything_is_stored()
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        using var response = await host.PostAsync(new Dictionary<string, object?>
        {
            ["model"] = "kling-o1-std",
            ["image"] = Convert.ToBase64String(TestImages.Png(640, 480)),
            ["end_image"] = Convert.ToBase64String(TestImages.Png(200, 200)),
            ["prompt"] = "too small an end",
        });
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["end_image"], errors.EnumerateObject().Select(field => field.Name));
        Assert.StartsWith("is 200×200 pixels", errors.GetProperty("end_image")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task A_field_the_model_does_not_take_or_an_unknown_model_is_400_and_nothing_is_stored_or_created()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var request = TestDevHost.Request("audio on 2.1");
        request["generate_audio"] = true;
        var unknown = TestDevHost.Request("a future model");
        unknown["model"] = "kling-v9";

        using var notTaken = await host.PostAsync(request);
        using var notKnown = await host.PostAsync(unknown);
        var errors = (await notTaken.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (notTaken.StatusCode, notKnown.StatusCode));
        Assert.Equal("generate_audio is not taken by kling-v2-1-std (Kling 2.1 Standard); the models that take it: kling-v2-6-pro, kling-v3-pro, kling-v3-std.", errors.GetProperty("generate_audio")[0].GetString());
        Assert.True((await notKnown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("model", out _));
        Assert.Equal(0, host.Simulator.Calls.CreateAttempts);
    }

    [Fact]
    public async Task An_Idempotency_Key_reused_with_another_model_is_422_and_with_the_same_request_finds_the_job()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var first = TestDevHost.Request("keyed");
        var explicitDefault = new Dictionary<string, object?>(first) { ["model"] = "kling-v2-1-std" };
        var other = new Dictionary<string, object?>(first) { ["model"] = "kling-v2-5-pro" };

        using var started = await host.PostAsync(first, "model-key-1");
        using var same = await host.PostAsync(explicitDefault, "model-key-1");
        using var changed = await host.PostAsync(other, "model-key-1");

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted, HttpStatusCode.UnprocessableEntity), (started.StatusCode, same.StatusCode, changed.StatusCode));
        Assert.Equal("application/problem+json", changed.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_model_catalogue_lists_every_model_with_its_fields_and_the_configured_default_is_what_a_job_without_a_model_gets()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["Freepik:DefaultModel"] = "kling-v3-std" });

        var catalogue = await host.Client.GetFromJsonAsync<JsonElement>("/api/models");
        var id = await host.StartAsync("the default model");
        var view = await host.WaitUntilFinishedAsync(id);

        Assert.Equal("kling-v3-std", catalogue.GetProperty("default").GetString());
        var items = catalogue.GetProperty("items").EnumerateArray().ToDictionary(item => item.GetProperty("id").GetString()!);
        Assert.Equal(KlingModels.All.Select(model => model.Id), items.Keys);
        var std = items["kling-v2-1-std"];
        Assert.Equal(("Kling 2.1 Standard", true), (std.GetProperty("name").GetString(), std.GetProperty("imageRequired").GetBoolean()));
        Assert.Equal(["image", "prompt", "negative_prompt", "duration", "cfg_scale", "static_mask", "dynamic_masks"], std.GetProperty("fields").EnumerateArray().Select(field => field.GetProperty("name").GetString()));
        var duration = std.GetProperty("fields").EnumerateArray().Single(field => field.GetProperty("name").GetString() == "duration");
        Assert.Equal("""{"name":"duration","type":"string","required":false,"enum":["5","10"],"default":"5"}""", duration.GetRawText());
        var masterRatio = items["kling-v2-1-master"].GetProperty("fields").EnumerateArray().Single(field => field.GetProperty("name").GetString() == "aspect_ratio");
        Assert.Equal("""{"name":"aspect_ratio","type":"string","required":false,"enum":["16:9","9:16","1:1"],"modes":["text"]}""", masterRatio.GetRawText());
        Assert.Equal("""{"name":"cfg_scale","type":"number","required":false,"minimum":0,"maximum":1,"default":0.5}""", items["kling-v3-pro"].GetProperty("fields").EnumerateArray().Single(field => field.GetProperty("name").GetString() == "cfg_scale").GetRawText());
        Assert.Equal(("Completed", "kling-v3-std"), (view.GetProperty("status").GetString(), view.GetProperty("model").GetString()));
        Assert.Equal("kling-v3-std", host.Simulator.Tasks.Single().Model);
    }

    /// <summary>Starts a job and returns its id; the 202 already names the job's model.</summary>
    private static async Task<string> StartAsync(TestDevHost host, Dictionary<string, object?> body)
    {
        using var response = await host.PostAsync(body);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, answer.GetRawText());
        Assert.Equal(body["model"], answer.GetProperty("model").GetString());
        return answer.GetProperty("id").GetString()!;
    }

    /// <summary>Every field <paramref name="model"/> takes for a job from an image, as JSON (the image itself comes from TestDevHost).</summary>
    private static Dictionary<string, object?> EveryField(KlingModel model)
    {
        var mask = Convert.ToBase64String(TestImages.Png(640, 480));
        var fields = new Dictionary<string, object?>
        {
            ["model"] = model.Id,
            ["end_image"] = Convert.ToBase64String(TestImages.Jpeg(640, 480)),
            ["negative_prompt"] = "blur",
            ["cfg_scale"] = 0.4,
            ["static_mask"] = mask,
            ["dynamic_masks"] = new[] { new { mask, trajectories = new[] { new { x = 10, y = 20 }, new { x = 30, y = 40 } } } },
            ["aspect_ratio"] = "16:9",
            ["generate_audio"] = true,
        };
        return fields
            .Where(field => field.Key == "model" || (model.Field(field.Key) is { } taken && taken.Modes.HasFlag(JobModes.ImageToVideo)))
            .ToDictionary(field => field.Key, field => field.Value);
    }

    private static void Check(List<string> failures, string model, string what, bool held, string seen)
    {
        if (!held)
        {
            failures.Add($"{model}: expected {what}; saw {seen}");
        }
    }
}
