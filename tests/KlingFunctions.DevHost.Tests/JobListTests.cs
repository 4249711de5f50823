using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KlingFunctions.FreepikSimulator;
using KlingFunctions.Testing;

namespace KlingFunctions.DevHost.Tests;

/// <summary><c>GET /api/videos?status=&amp;top=&amp;continuationToken=</c> through the DevHost, on the Durable engines themselves.</summary>
[Collection(UsesAzurite.Name)]
public sealed class JobListTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData("AzureStorage")]
    [InlineData("InMemory")]
    public async Task Jobs_are_listed_most_recent_first_a_page_at_a_time(string engine)
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?> { ["DevHost:Engine"] = engine });
        var started = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            started.Add(await host.StartAsync($"job {i}"));
        }

        var listed = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await host.Client.GetFromJsonAsync<JsonElement>($"/api/videos?top=2{(token is null ? string.Empty : $"&continuationToken={Uri.EscapeDataString(token)}")}");
            Assert.InRange(page.GetProperty("items").GetArrayLength(), 1, 2);
            listed.AddRange(page.GetProperty("items").EnumerateArray());
            token = page.GetProperty("continuationToken").GetString();
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Reverse(started), listed.Select(item => item.GetProperty("id").GetString()));
        Assert.Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"job {i}"), listed.Select(item => item.GetProperty("prompt").GetString()));
    }

    [Fact]
    public async Task An_item_holds_what_the_job_view_says_of_the_job_and_the_prompt_s_first_100_characters()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var prompt = string.Concat(Enumerable.Repeat("a slow pan across the valley ", 10));
        var id = await host.StartAsync(prompt);
        var view = await host.WaitUntilFinishedAsync(id);

        var item = (await host.Client.GetFromJsonAsync<JsonElement>("/api/videos")).GetProperty("items")[0];

        Assert.Equal(id, item.GetProperty("id").GetString());
        foreach (var property in new[] { "status", "stage", "createdAt", "updatedAt" })
        {
            Assert.Equal(view.GetProperty(property).GetString(), item.GetProperty(property).GetString());
        }

        Assert.Equal(prompt[..100], item.GetProperty("prompt").GetString());
        Assert.True(item.TryGetProperty("model", out _));
    }

    [Fact]
    public async Task A_status_lists_only_the_jobs_that_read_that_status()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        host.Simulator.Script("long", new TaskScript { CompletedAfter = TimeSpan.FromMinutes(5) });
        var completed = await host.StartAsync("short");
        await host.WaitUntilFinishedAsync(completed);
        var canceled = await host.StartAsync("long, then canceled");
        using (var cancel = await host.Client.PostAsync(new Uri($"/api/videos/{canceled}/cancel", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
            await host.OrchestrationEndedAsync(canceled);
        }

        var running = await host.StartAsync("long, still running");
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(running)).GetProperty("stage").GetString() == "Generating");

        // The canceled job's orchestration completed too (its output says Canceled): it is listed as Canceled only.
        Assert.Equal([canceled], await IdsAsync(host, "Canceled"));
        Assert.Equal([completed], await IdsAsync(host, "completed"));
        Assert.Equal([running], await IdsAsync(host, "Running"));
        Assert.Empty(await IdsAsync(host, "TimedOut"));
    }

    [Theory]
    [InlineData("top=0", "top")]
    [InlineData("top=1000", "top")]
    [InlineData("status=Done", "status")]
    [InlineData("continuationToken=abc", "continuationToken")]
    public async Task A_bad_parameter_is_a_400_problem_naming_it(string query, string field)
    {
        await using var host = await TestDevHost.StartAsync(azurite);

        using var response = await host.Client.GetAsync(new Uri($"/api/videos?{query}", UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    private static async Task<List<string?>> IdsAsync(TestDevHost host, string status)
        => [.. (await host.Client.GetFromJsonAsync<JsonElement>($"/api/videos?status={status}")).GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString())];
}
