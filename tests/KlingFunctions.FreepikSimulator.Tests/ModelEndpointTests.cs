using System.Net;
using System.Text;

namespace KlingFunctions.FreepikSimulator.Tests;

/// <summary>
/// Every Kling endpoint of the simulator, as reference/KLING-MODELS.md documents it: the create path takes only the
/// fields its page lists, in their documented types and values, and a task is read at its model's status and list paths.
/// </summary>
public sealed class ModelEndpointTests
{
    /// <summary>A documented body per endpoint, and the status and list paths its tasks are read at.</summary>
    public static TheoryData<string, string, string, string> Endpoints => new()
    {
        { "v1/ai/image-to-video/kling-v2-1-std", """{"image":"https://x.example/i.png","duration":"5","static_mask":"https://x.example/m.png"}""", "v1/ai/image-to-video/kling-v2-1/", "v1/ai/image-to-video/kling-v2-1-std" },
        { "v1/ai/image-to-video/kling-v2-1-pro", """{"image":"https://x.example/i.png","image_tail":"https://x.example/e.png","duration":"10"}""", "v1/ai/image-to-video/kling-v2-1/", "v1/ai/image-to-video/kling-v2-1-pro" },
        { "v1/ai/image-to-video/kling-v2-1-master", """{"prompt":"a storm","duration":"5","aspect_ratio":"square_1_1"}""", "v1/ai/image-to-video/kling-v2-1-master/", "v1/ai/image-to-video/kling-v2-1-master" },
        { "v1/ai/image-to-video/kling-v2-5-pro", """{"image":"https://x.example/i.png","duration":"5","cfg_scale":0.5}""", "v1/ai/image-to-video/kling-v2-5-pro/", "v1/ai/image-to-video/kling-v2-5-pro" },
        { "v1/ai/image-to-video/kling-v2-6-pro", """{"prompt":"a storm","duration":"5","aspect_ratio":"widescreen_16_9","generate_audio":true}""", "v1/ai/image-to-video/kling-v2-6/", "v1/ai/image-to-video/kling-v2-6" },
        { "v1/ai/video/kling-v3-pro", """{"start_image_url":"https://x.example/i.png","end_image_url":"https://x.example/e.png","duration":"15","aspect_ratio":"9:16"}""", "v1/ai/video/kling-v3/", "v1/ai/video/kling-v3" },
        { "v1/ai/video/kling-v3-std", """{"prompt":"a storm","duration":"3","generate_audio":false}""", "v1/ai/video/kling-v3/", "v1/ai/video/kling-v3" },
        { "v1/ai/image-to-video/kling-o1-pro", """{"first_frame":"https://x.example/i.png","last_frame":"https://x.example/e.png","duration":10,"aspect_ratio":"1:1"}""", "v1/ai/image-to-video/kling-o1/", "v1/ai/image-to-video/kling-o1" },
        { "v1/ai/image-to-video/kling-o1-std", """{"first_frame":"https://x.example/i.png","duration":5}""", "v1/ai/image-to-video/kling-o1/", "v1/ai/image-to-video/kling-o1" },
        { "v1/ai/image-to-video/kling-v2", """{"image":"https://x.example/i.png","duration":"5"}""", "v1/ai/image-to-video/kling-v2/", "v1/ai/image-to-video/kling-v2" },
        { "v1/ai/image-to-video/kling-pro", """{"image":"https://x.example/i.png","image_tail":"https://x.example/e.png","duration":"5"}""", "v1/ai/image-to-video/kling/", "v1/ai/image-to-video/kling-pro" },
        { "v1/ai/image-to-video/kling-std", """{"image":"https://x.example/i.png","duration":"5"}""", "v1/ai/image-to-video/kling/", "v1/ai/image-to-video/kling-std" },
    };

    /// <summary>A body the endpoint refuses, and the parameter it names.</summary>
    public static TheoryData<string, string, string> Refused => new()
    {
        // A field of another model, under its own name.
        { "v1/ai/image-to-video/kling-v2-1-std", """{"image":"https://x.example/i.png","duration":"5","image_tail":"https://x.example/e.png"}""", "image_tail" },
        { "v1/ai/image-to-video/kling-std", """{"image":"https://x.example/i.png","duration":"5","image_tail":"https://x.example/e.png"}""", "image_tail" },
        { "v1/ai/image-to-video/kling-v2-5-pro", """{"image":"https://x.example/i.png","duration":"5","static_mask":"https://x.example/m.png"}""", "static_mask" },
        { "v1/ai/video/kling-v3-pro", """{"image":"https://x.example/i.png","duration":"5"}""", "image" },
        { "v1/ai/image-to-video/kling-o1-pro", """{"image":"https://x.example/i.png","duration":5}""", "image" },
        { "v1/ai/image-to-video/kling-o1-pro", """{"first_frame":"https://x.example/i.png","negative_prompt":"blur","duration":5}""", "negative_prompt" },

        // A value in another model's form or spelling.
        { "v1/ai/image-to-video/kling-o1-pro", """{"first_frame":"https://x.example/i.png","duration":"5"}""", "duration" },
        { "v1/ai/video/kling-v3-pro", """{"prompt":"a storm","duration":5}""", "duration" },
        { "v1/ai/video/kling-v3-pro", """{"prompt":"a storm","duration":"16"}""", "duration" },
        { "v1/ai/video/kling-v3-pro", """{"prompt":"a storm","aspect_ratio":"widescreen_16_9"}""", "aspect_ratio" },
        { "v1/ai/image-to-video/kling-v2-6-pro", """{"prompt":"a storm","duration":"5","aspect_ratio":"16:9"}""", "aspect_ratio" },
        { "v1/ai/image-to-video/kling-v2-6-pro", """{"prompt":"a storm","duration":"5","generate_audio":"yes"}""", "generate_audio" },
        { "v1/ai/video/kling-v3-std", """{"start_image_url":"iVBORw0KGgo=","duration":"5"}""", "start_image_url" },

        // What the page requires.
        { "v1/ai/image-to-video/kling-v2", """{"prompt":"a storm","duration":"5"}""", "image" },
        { "v1/ai/image-to-video/kling-v2-6-pro", """{"duration":"5"}""", "prompt" },
        { "v1/ai/video/kling-v3-std", """{"duration":"5"}""", "prompt" },
        { "v1/ai/image-to-video/kling-o1-std", """{"prompt":"a storm","duration":5}""", "first_frame" },
        { "v1/ai/image-to-video/kling-v2-1-master", """{"image":"https://x.example/i.png","duration":"5","aspect_ratio":"square_1_1"}""", "aspect_ratio" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_documented_body_creates_a_task_read_at_its_models_status_and_list_paths(string create, string body, string status, string list)
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(CancellationToken.None);
        using var client = sim.CreateClient();

        using var created = await client.PostAsync(create, new StringContent(body, Encoding.UTF8, "application/json"));
        var taskId = (await FreepikApi.DataAsync(created)).GetProperty("task_id").GetString()!;
        using var read = await client.GetAsync(status + taskId);
        var listed = await FreepikApi.DataAsync(await client.GetAsync(list));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Contains(taskId, listed.EnumerateArray().Select(task => task.GetProperty("task_id").GetString()));
        Assert.Equal(create[(create.LastIndexOf('/') + 1)..], sim.Simulation.FindTask(taskId)!.Model);
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_body_its_page_does_not_document_is_400_naming_the_parameter(string create, string body, string param)
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(CancellationToken.None);
        using var client = sim.CreateClient();

        using var response = await client.PostAsync(create, new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await FreepikApi.JsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(param, problem.GetProperty("invalid_params").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(0, sim.Calls.TasksCreated);
    }

    [Fact]
    public async Task A_task_is_not_found_at_another_models_status_path_nor_in_its_list()
    {
        await using var sim = await FreepikSimulatorServer.StartAsync(CancellationToken.None);
        using var client = sim.CreateClient();
        var taskId = await FreepikApi.CreateTaskAsync(client);

        using var elsewhere = await client.GetAsync($"v1/ai/image-to-video/kling-v2-1-master/{taskId}");
        var otherList = await FreepikApi.DataAsync(await client.GetAsync("v1/ai/image-to-video/kling-v2-1-master"));

        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Empty(otherList.EnumerateArray());
    }
}
