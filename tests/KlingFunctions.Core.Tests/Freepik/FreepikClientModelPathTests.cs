using System.Net;
using KlingFunctions.Workflow;

namespace KlingFunctions.Freepik;

/// <summary>Each model's task is created at its create path and polled at its status path, which the create path does not give.</summary>
public sealed class FreepikClientModelPathTests : IDisposable
{
    private readonly FreepikTestHost _host = new();

    public static TheoryData<string> Models => [.. KlingModels.All.Select(model => model.Id)];

    public void Dispose() => _host.Dispose();

    [Theory]
    [MemberData(nameof(Models))]
    public async Task A_create_goes_to_the_models_create_path_and_a_poll_to_its_status_path(string id)
    {
        var model = KlingModels.Find(id)!;
        _host.Handler.Respond(HttpStatusCode.OK, """{"data":{"task_id":"t-1","status":"CREATED"}}""");
        _host.Handler.Respond(HttpStatusCode.OK, """{"data":{"task_id":"t-1","status":"IN_PROGRESS","generated":[]}}""");

        await _host.Client.CreateTaskAsync(new FreepikCreateTask(model, model.CreateBody(new VideoParameters { Image = "https://x.example/i.png" }, null)), CancellationToken.None);
        await _host.Client.GetTaskAsync(model, "t-1", DateTimeOffset.MinValue, CancellationToken.None);

        Assert.Equal(
            [$"POST https://api.freepik.com/{model.CreatePath}", $"GET https://api.freepik.com/{model.StatusPath.Replace("{task-id}", "t-1", StringComparison.Ordinal)}"],
            _host.Handler.Requests.Select(request => $"{request.Method} {request.Uri.AbsoluteUri}"));
    }
}
