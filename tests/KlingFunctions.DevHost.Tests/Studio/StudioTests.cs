using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KlingFunctions.DevHost.Azurite;
using KlingFunctions.Testing;
using Microsoft.Playwright;

namespace KlingFunctions.DevHost.Tests.Studio;

/// <summary>
/// The studio (<c>GET /api/studio</c>) in Debian's Chromium against the DevHost with its simulator: a person's
/// strokes and paths, what of them reached Freepik, the job followed to a video that plays.
/// </summary>
[Collection(UsesAzurite.Name)]
public sealed class StudioTests(AzuriteFixture azurite, Chromium chromium) : IClassFixture<Chromium>
{
    private const int Width = 640;
    private const int Height = 480;

    /// <summary>A real 640×480 PNG (a gradient with a checkerboard), which the browser decodes and shows.</summary>
    /// <summary>A catalogue as <c>GET /api/models</c> answers it (DESIGN's contract): a model with masks, one with an end frame too, one with neither.</summary>
    private const string Catalogue = """
        { "default": "kling-v2-1-std", "items": [
          { "id": "kling-v2-1-std", "name": "Kling 2.1 Standard", "imageRequired": true, "fields": [
            { "name": "image", "type": "image", "required": true }, { "name": "prompt", "type": "string", "required": false, "maxLength": 2500 },
            { "name": "negative_prompt", "type": "string", "required": false, "maxLength": 2500 },
            { "name": "duration", "type": "string", "required": false, "enum": ["5", "10"], "default": "5" },
            { "name": "cfg_scale", "type": "number", "required": false, "minimum": 0, "maximum": 1, "default": 0.5 },
            { "name": "static_mask", "type": "image", "required": false }, { "name": "dynamic_masks", "type": "dynamic_masks", "required": false } ] },
          { "id": "kling-v2-1-pro", "name": "Kling 2.1 Pro", "imageRequired": true, "fields": [
            { "name": "image", "type": "image", "required": true }, { "name": "end_image", "type": "image", "required": false },
            { "name": "prompt", "type": "string", "required": false, "maxLength": 2500 },
            { "name": "duration", "type": "string", "required": false, "enum": ["5", "10"], "default": "5" },
            { "name": "static_mask", "type": "image", "required": false }, { "name": "dynamic_masks", "type": "dynamic_masks", "required": false } ] },
          { "id": "kling-v2-5-pro", "name": "Kling 2.5 Turbo Pro", "imageRequired": true, "fields": [
            { "name": "image", "type": "image", "required": true }, { "name": "prompt", "type": "string", "required": false, "maxLength": 2500 },
            { "name": "duration", "type": "string", "required": false, "enum": ["5", "10"], "default": "5" } ] } ] }
        """;

    private static readonly string[] Stages = ["Queued", "Staging", "Waiting for a slot", "Submitting", "Generating", "Archiving", "Done"];

    private static readonly byte[] Picture = PngPixels.Encode(Width, Height, (x, y) => ((byte)(x * 255 / Width), (byte)(y * 255 / Height), (byte)((x / 40 + y / 40) % 2 == 0 ? 200 : 90)));

    [Fact]
    public async Task Strokes_and_a_path_drawn_with_the_mouse_reach_Freepik_as_masks_of_the_image_s_size_and_a_path_in_its_pixels()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        await using var studio = await StudioSession.OpenAsync(chromium, host);
        await studio.DropImageAsync(Picture, "picture.png", "image/png");
        await studio.WaitForImageAsync();

        // Static brush (the default) over the top left; Motion 1 lower right, moving along three clicked points.
        await studio.DragAsync(Width, Height, (100, 100), (200, 120));
        await studio.ChooseBrushAsync(1);
        await studio.DragAsync(Width, Height, (400, 300), (480, 330));
        await studio.ChooseToolAsync("path");
        foreach (var point in new[] { (420, 310), (520, 250), (600, 120) })
        {
            await studio.ClickImageAsync(Width, Height, point);
        }

        await studio.SubmitAsync("the ball rolls into the corner");
        await studio.WaitForStatusAsync("Completed");

        var request = Sent(Assert.Single(host.Simulator.Tasks, task => task.Prompt == "the ball rolls into the corner"));
        var staticMask = await DownloadPngAsync(request.StaticMask);
        Assert.Equal((Width, Height), (staticMask.Width, staticMask.Height));
        Assert.All(new[] { (100, 100), (150, 110), (200, 120) }, point => Assert.True(IsWhite(staticMask[point.Item1, point.Item2]), $"static_mask is not painted at {point}"));
        Assert.All(new[] { (440, 315), (20, 460), (600, 40) }, point => Assert.True(IsBlack(staticMask[point.Item1, point.Item2]), $"static_mask is painted at {point}"));

        var motion = Assert.Single(request.DynamicMasks!);
        var motionMask = await DownloadPngAsync(motion.Mask);
        Assert.Equal((Width, Height), (motionMask.Width, motionMask.Height));
        Assert.All(new[] { (400, 300), (440, 315), (480, 330) }, point => Assert.True(IsWhite(motionMask[point.Item1, point.Item2]), $"the dynamic mask is not painted at {point}"));
        Assert.All(new[] { (150, 110), (20, 460) }, point => Assert.True(IsBlack(motionMask[point.Item1, point.Item2]), $"the dynamic mask is painted at {point}"));

        var path = motion.Trajectories!.Select(point => (point.X!.Value, point.Y!.Value)).ToList();
        Assert.Equal(3, path.Count);
        Assert.All(path.Zip([(420, 310), (520, 250), (600, 120)]), pair =>
            Assert.True(Math.Abs(pair.First.Item1 - pair.Second.Item1) <= 1 && Math.Abs(pair.First.Item2 - pair.Second.Item2) <= 1, $"path point {pair.First} is not {pair.Second}"));
        Assert.True((await studio.PlayVideoAsync()).Duration > 0);
        await SaveScreenshotAsync(studio.Page);
    }

    [Fact]
    public async Task A_finished_job_s_video_plays_from_its_archived_copy_and_can_be_downloaded()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        await using var studio = await StudioSession.OpenAsync(chromium, host);
        await studio.PickImageAsync(Picture, "picture.png", "image/png");
        await studio.WaitForImageAsync();

        var id = await studio.SubmitAsync("the camera slowly zooms in");
        await studio.WaitForStatusAsync("Completed");
        var video = await studio.PlayVideoAsync();

        var view = await host.GetAsync(id);
        Assert.Equal(0, video.Error);
        Assert.True(video.Duration > 0, $"duration {video.Duration}");
        Assert.True(video.Width > 0 && video.Height > 0);
        Assert.StartsWith(BlobPath(view.GetProperty("video").GetProperty("url").GetString()!), BlobPath(video.Source), StringComparison.Ordinal);
        Assert.Equal(video.Source, await studio.Page.GetAttributeAsync("[data-job=download]", "href"));
        Assert.Equal(Stages.Select(stage => $"✓ {stage}"),
            (await studio.Page.Locator("[data-job=timeline] li").AllInnerTextsAsync()).Select(line => line.Split(" · ")[0]));
    }

    [Theory]
    [InlineData("small.png", "image/png")]
    [InlineData("animation.gif", "image/gif")]
    public async Task A_refused_image_shows_the_API_s_own_message_and_nothing_is_uploaded(string name, string type)
    {
        var bytes = type == "image/gif" ? TestImages.Gif(640, 480) : PngPixels.Encode(200, 200, (_, _) => (200, 100, 50));
        await using var host = await TestDevHost.StartAsync(azurite);
        await using var studio = await StudioSession.OpenAsync(chromium, host);

        await studio.DropImageAsync(bytes, name, type);
        var error = studio.Page.Locator("#image-error");
        await error.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

        Assert.Equal(await ApiMessageAsync(host, bytes, name), await error.InnerTextAsync());
        Assert.DoesNotContain(studio.Requests, request => request.Method == "POST");
        Assert.True(await studio.Page.Locator("#stage").IsHiddenAsync());
    }

    [Fact]
    public async Task The_jobs_list_shows_the_most_recent_jobs_and_reopens_one_with_its_video()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var older = await host.StartAsync("an older job");
        await host.WaitUntilFinishedAsync(older);
        var newer = await host.StartAsync("a newer job");
        await host.WaitUntilFinishedAsync(newer);
        await using var studio = await StudioSession.OpenAsync(chromium, host);

        var rows = studio.Page.Locator("[data-jobs=rows] tr");
        await rows.Nth(1).WaitForAsync();
        Assert.Equal([newer, older], await rows.EvaluateAllAsync<string[]>("rows => rows.map(row => row.dataset.id)"));
        await rows.Nth(1).GetByRole(AriaRole.Button, new() { Name = "Open job" }).ClickAsync();

        Assert.Equal(older, await studio.FollowedJobAsync());
        await studio.WaitForStatusAsync("Completed");
        Assert.True((await studio.PlayVideoAsync()).Duration > 0);
    }

    [Fact]
    public async Task A_job_waiting_for_a_Freepik_slot_shows_its_place_in_line_on_the_timeline()
    {
        await using var host = await TestDevHost.StartAsync(azurite, new Dictionary<string, string?>
        {
            ["Freepik:MaxConcurrentTasks"] = "1",
            ["FreepikSimulator:MaxConcurrentTasks"] = "1",
            ["FreepikSimulator:CompletedAfter"] = "00:05:00",
        });
        var holder = await host.StartAsync("the job holding the only slot");
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(holder)).GetProperty("stage").GetString() == "Generating");
        var waiting = await host.StartAsync("the job in line");
        await TestDevHost.EventuallyAsync(async () => (await host.GetAsync(waiting)).TryGetProperty("line", out _));
        await using var studio = await StudioSession.OpenAsync(chromium, host);

        var rows = studio.Page.Locator("[data-jobs=rows] tr");
        await rows.Nth(1).WaitForAsync();
        await studio.Page.Locator($"[data-jobs=rows] tr[data-id='{waiting}']").GetByRole(AriaRole.Button, new() { Name = "Open job" }).ClickAsync();

        var current = studio.Page.Locator("[data-job=timeline] li[aria-current=step]");
        await Assertions.Expect(current).ToContainTextAsync("next in line for 1 Freepik task(s) at a time (as of ");
        Assert.StartsWith("● Waiting for a slot", await current.InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_loads_nothing_from_another_origin_but_the_video_link_the_API_gives()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var origin = host.Client.BaseAddress!.GetLeftPart(UriPartial.Authority);
        await using var studio = await StudioSession.OpenAsync(chromium, host);
        await studio.PickImageAsync(Picture, "picture.png", "image/png");
        await studio.WaitForImageAsync();
        var id = await studio.SubmitAsync("nothing from elsewhere");
        await studio.WaitForStatusAsync("Completed");
        await studio.PlayVideoAsync();

        var video = BlobPath((await host.GetAsync(id)).GetProperty("video").GetProperty("url").GetString()!);
        var elsewhere = studio.Requests.Select(request => request.Url).Where(url => !url.StartsWith(origin + "/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(elsewhere);
        Assert.All(elsewhere, url => Assert.StartsWith(video, BlobPath(url), StringComparison.Ordinal));
        using var page = await host.Client.GetAsync(new Uri("/api/studio", UriKind.Relative));
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_form_control_has_a_label()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        await using var studio = await StudioSession.OpenAsync(chromium, host);
        await studio.PickImageAsync(Picture, "picture.png", "image/png");
        await studio.WaitForImageAsync();
        await studio.ChooseBrushAsync(1);
        await studio.Page.ClickAsync("#add-point");

        var unnamed = await studio.Page.EvaluateAsync<string[]>(
            """
            () => [...document.querySelectorAll('input, select, textarea, button')]
              .filter(control => control.getClientRects().length > 0)
              .filter(control => !((control.labels && [...control.labels].some(label => label.textContent.trim()))
                || control.getAttribute('aria-label') || (control.tagName === 'BUTTON' && control.textContent.trim())))
              .map(control => control.outerHTML)
            """);

        Assert.Empty(unnamed);
    }

    [Fact]
    public async Task Painting_a_path_and_submitting_work_from_the_keyboard()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        await using var studio = await StudioSession.OpenAsync(chromium, host);
        await studio.PickImageAsync(Picture, "picture.png", "image/png");
        await studio.WaitForImageAsync();
        var keyboard = studio.Page.Keyboard;

        // Every control is reached with Tab (Undo once there is something to undo).
        var reached = new HashSet<string>();
        await studio.Page.FocusAsync("#image-file");
        for (var i = 0; i < 60; i++)
        {
            await keyboard.PressAsync("Tab");
            reached.Add(await studio.Page.EvaluateAsync<string>("() => document.activeElement.id || document.activeElement.name || document.activeElement.textContent"));
        }

        Assert.Superset(new HashSet<string> { "stage", "brush", "tool", "brush-size", "clear-brush", "field-prompt", "field-duration", "field-cfg_scale", "callback-url", "submit", "jobs-status" }, reached);

        // The crosshair starts at the image's centre: Enter paints there with the static brush.
        await studio.Page.FocusAsync("#stage");
        await keyboard.PressAsync("Enter");

        // Arrows choose Motion 1 and the Path tool; on the image, Shift+arrows move the crosshair by 10% of its longer side.
        await studio.Page.FocusAsync("input[name=brush]:checked");
        await keyboard.PressAsync("ArrowRight");
        await studio.Page.FocusAsync("#stage");
        await keyboard.PressAsync("Shift+ArrowRight");
        await keyboard.PressAsync("Shift+ArrowRight");
        await keyboard.PressAsync("Enter");
        await studio.Page.FocusAsync("input[name=tool]:checked");
        await keyboard.PressAsync("ArrowRight");
        await keyboard.PressAsync("ArrowRight");
        await studio.Page.FocusAsync("#stage");
        await keyboard.PressAsync("Enter");
        await keyboard.PressAsync("Shift+ArrowDown");
        await keyboard.PressAsync("Enter");
        await studio.Page.FocusAsync("#field-prompt");
        await keyboard.TypeAsync("typed, not clicked");
        await studio.Page.FocusAsync("#submit");
        await keyboard.PressAsync("Enter");
        await studio.WaitForStatusAsync("Completed");

        var request = Sent(Assert.Single(host.Simulator.Tasks));
        Assert.True(IsWhite((await DownloadPngAsync(request.StaticMask))[320, 240]));
        var motion = Assert.Single(request.DynamicMasks!);
        Assert.True(IsWhite((await DownloadPngAsync(motion.Mask))[448, 240]));
        Assert.Equal([(448, 240), (448, 304)], motion.Trajectories!.Select(point => (point.X!.Value, point.Y!.Value)));
    }

    [Fact]
    public async Task A_double_click_on_submit_starts_one_job()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        await using var studio = await StudioSession.OpenAsync(chromium, host);
        await studio.PickImageAsync(Picture, "picture.png", "image/png");
        await studio.WaitForImageAsync();
        await studio.Page.FillAsync("#field-prompt", "once only");

        await studio.Page.DblClickAsync("#submit");
        await studio.FollowedJobAsync();
        await studio.WaitForStatusAsync("Completed");

        Assert.Equal(1, host.Simulator.Calls.TasksCreated);
        var list = await host.Client.GetFromJsonAsync<JsonElement>("/api/videos");
        Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.All(studio.Requests.Where(request => request.Method == "POST"), request => Assert.StartsWith("studio-", request.Headers["idempotency-key"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Where_the_API_asks_for_a_function_key_the_page_asks_once_keeps_it_for_the_tab_and_sends_it()
    {
        const string Key = "a-function-key";
        await using var host = await TestDevHost.StartAsync(azurite);
        var sent = new List<string?>();

        // The Functions app answers 401 without a body to an API call that lacks its key: this route does the same.
        await using var studio = await StudioSession.OpenAsync(chromium, host, page => page.RouteAsync(
            url => new Uri(url).AbsolutePath is var path && path.StartsWith("/api/", StringComparison.Ordinal) && !path.StartsWith("/api/studio", StringComparison.Ordinal),
            async route =>
            {
                var key = route.Request.Headers.TryGetValue("x-functions-key", out var value) ? value : null;
                sent.Add(key);
                await (key == Key ? route.ContinueAsync() : route.FulfillAsync(new RouteFulfillOptions { Status = 401 }));
            }));

        var dialog = studio.Page.Locator("#key-dialog");
        await dialog.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        await studio.Page.FillAsync("#function-key", Key);
        await studio.Page.ClickAsync("#key-dialog button[value=save]");
        await studio.Page.Locator("[data-jobs=note]").Filter(new LocatorFilterOptions { HasText = "No jobs yet." }).WaitForAsync();

        Assert.Equal(Key, await studio.Page.EvaluateAsync<string>("() => sessionStorage.getItem('kling.functionKey')"));
        await studio.Page.ReloadAsync();
        await studio.Page.Locator("[data-jobs=note]").Filter(new LocatorFilterOptions { HasText = "No jobs yet." }).WaitForAsync();
        Assert.True(await dialog.IsHiddenAsync());
        Assert.Equal(Key, sent[^1]);
    }

    [Fact]
    public async Task With_a_model_catalogue_the_page_shows_only_the_chosen_model_s_fields_and_sends_the_model_and_its_end_frame()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        var sent = new List<string>();

        // The catalogue as GET /api/models answers it (DESIGN's contract), for the page: the DevHost of this branch has none.
        await using var studio = await StudioSession.OpenAsync(chromium, host, async page =>
        {
            await page.RouteAsync("**/api/models", route => route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "application/json", Body = Catalogue }));
            await page.RouteAsync("**/api/videos", async route =>
            {
                if (route.Request.Method == "POST")
                {
                    sent.Add(Encoding.UTF8.GetString(route.Request.PostDataBuffer ?? []));
                }

                await route.ContinueAsync();
            });
        });
        var picker = studio.Page.Locator("#model");
        await picker.WaitForAsync();
        await studio.PickImageAsync(Picture, "picture.png", "image/png");
        await studio.WaitForImageAsync();
        var brushDisabled = () => studio.Page.Locator("#brush-tools").EvaluateAsync<bool>("tools => tools.disabled");

        Assert.Equal("kling-v2-1-std", await picker.InputValueAsync());
        Assert.Equal(3, await picker.Locator("option").CountAsync());
        Assert.Equal(0, await studio.Page.Locator("#field-end_image").CountAsync());
        Assert.False(await brushDisabled());

        await picker.SelectOptionAsync("kling-v2-5-pro");
        Assert.True(await brushDisabled());
        Assert.Contains("takes no motion brush", await studio.Page.InnerTextAsync("#brush-note"), StringComparison.Ordinal);
        Assert.Equal(0, await studio.Page.Locator("#field-cfg_scale").CountAsync());

        await picker.SelectOptionAsync("kling-v2-1-pro");
        Assert.False(await brushDisabled());
        await studio.Page.SetInputFilesAsync("#field-end_image", new FilePayload { Name = "last.png", MimeType = "image/png", Buffer = Picture });
        await studio.SubmitAsync("from the first frame to the last");

        var body = Assert.Single(sent);
        Assert.Contains("name=\"model\"\r\n\r\nkling-v2-1-pro", body, StringComparison.Ordinal);
        Assert.Contains("name=\"end_image\"; filename=\"last.png\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"aspect_ratio\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_DevHost_s_root_opens_the_studio()
    {
        await using var host = await TestDevHost.StartAsync(azurite);
        await using var studio = await StudioSession.OpenAsync(chromium, host);

        await studio.Page.GotoAsync(host.Client.BaseAddress!.AbsoluteUri);

        Assert.Equal(studio.Address.AbsoluteUri, studio.Page.Url);
        Assert.Equal("KlingFunctions Studio", await studio.Page.TitleAsync());
    }

    /// <summary>What the API says of the same file: a 400's field message, or the error of the job that staging failed.</summary>
    /// <summary>What Freepik received for a Kling 2.1 Std job, whose wire names are the request's own.</summary>
    private static Workflow.VideoParameters Sent(FreepikSimulator.SimulatedTaskView task) => task.Body.Deserialize<Workflow.VideoParameters>()!;

    private static async Task<string> ApiMessageAsync(TestDevHost host, byte[] bytes, string name)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "image", name }, { new StringContent("5"), "duration" } };
        using var response = await host.Client.PostAsync(new Uri("/api/videos", UriKind.Relative), form);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (response.StatusCode == HttpStatusCode.BadRequest)
        {
            return $"image: {answer.GetProperty("errors").GetProperty("image")[0].GetString()}";
        }

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var job = await host.WaitUntilFinishedAsync(answer.GetProperty("id").GetString()!);
        Assert.Equal("InvalidImage", job.GetProperty("error").GetProperty("code").GetString());
        return job.GetProperty("error").GetProperty("message").GetString()!;
    }

    private static async Task<PngPixels> DownloadPngAsync(string? url)
    {
        Assert.NotNull(url);
        using var http = new HttpClient();
        return PngPixels.Decode(await http.GetByteArrayAsync(new Uri(url)));
    }

    private static bool IsWhite((byte R, byte G, byte B, byte A) pixel) => pixel is { R: 255, G: 255, B: 255, A: 255 };

    private static bool IsBlack((byte R, byte G, byte B, byte A) pixel) => pixel is { R: 0, G: 0, B: 0, A: 255 };

    /// <summary>A read link without its query (each read of a job makes a fresh SAS).</summary>
    private static string BlobPath(string url) => new Uri(url).GetLeftPart(UriPartial.Path);

    /// <summary>
    /// The studio with a finished job, for README's screenshot: kept beside the test results, and written to
    /// docs/studio.png when KLING_UPDATE_SCREENSHOT=1.
    /// </summary>
    private static async Task SaveScreenshotAsync(IPage page)
    {
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        await File.WriteAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "studio.png"), bytes);
        if (Environment.GetEnvironmentVariable("KLING_UPDATE_SCREENSHOT") == "1")
        {
            var docs = Path.Combine(RepositoryRoot.Find(), "docs");
            Directory.CreateDirectory(docs);
            await File.WriteAllBytesAsync(Path.Combine(docs, "studio.png"), bytes);
        }
    }
}
