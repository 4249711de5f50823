using KlingFunctions.DevHost.Azurite;
using KlingFunctions.Testing;

namespace KlingFunctions.DevHost.Tests;

/// <summary><c>KlingFunctions.http</c> at the repository root, run against the DevHost as an editor would run it.</summary>
[Collection(UsesAzurite.Name)]
public sealed class HttpSamplesTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Every_sample_of_KlingFunctions_http_gets_the_answer_its_comment_promises()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var file = new HttpFile(Path.Combine(RepositoryRoot.Find(), "KlingFunctions.http"));

        var results = await file.RunAsync(host.Client, new Dictionary<string, string> { ["baseUrl"] = host.Client.BaseAddress!.AbsoluteUri.TrimEnd('/') });

        Assert.Equal([202, 200, 200, 200, 202, 202, 401, 200, 200, 200], results.Select(result => result.Status));
        Assert.Equal(file.Response("start").GetProperty("id").GetString(), file.Response("list").GetProperty("items")[0].GetProperty("id").GetString());
        Assert.Contains(results, result => result.Title.Contains("image file", StringComparison.Ordinal));
        Assert.Equal("Completed", (await host.WaitUntilFinishedAsync(file.Response("start").GetProperty("id").GetString()!)).GetProperty("status").GetString());
    }
}
