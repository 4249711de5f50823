using System.Text.Json;
using Microsoft.Playwright;

namespace KlingFunctions.DevHost.Tests.Studio;

/// <summary>
/// The studio page open in a browser tab, driven as a person would: files dropped, strokes and paths drawn with the
/// mouse (positions given in the image's pixels and turned into screen positions from where the image is shown).
/// Every request the page makes and every error it reports are kept.
/// </summary>
public sealed class StudioSession : IAsyncDisposable
{
    private static readonly float Patience = 60_000;

    private readonly IBrowserContext context;

    private StudioSession(IBrowserContext context, IPage page, Uri address)
    {
        this.context = context;
        Page = page;
        Address = address;
        page.Request += (_, request) => Requests.Add(request);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Add($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => Errors.Add($"page: {error}");
    }

    public IPage Page { get; }

    /// <summary>The studio's address on the host.</summary>
    public Uri Address { get; }

    public List<IRequest> Requests { get; } = [];

    /// <summary>Script errors and failed loads the page reported (a 404 of <c>/api/models</c> before there is a catalogue is one).</summary>
    public List<string> Errors { get; } = [];

    public static async Task<StudioSession> OpenAsync(Chromium chromium, TestDevHost host, Func<IPage, Task>? beforeLoad = null)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(Patience);
        var page = await context.NewPageAsync();
        var session = new StudioSession(context, page, new Uri(host.Client.BaseAddress!, "/api/studio"));
        if (beforeLoad is not null)
        {
            await beforeLoad(page);
        }

        await page.GotoAsync(session.Address.AbsoluteUri);
        return session;
    }

    /// <summary>Drops a file on the image's drop zone, as a file dragged from the desktop would be.</summary>
    public async Task DropImageAsync(byte[] bytes, string name, string type)
    {
        var transfer = await Page.EvaluateHandleAsync(
            "([base64, name, type]) => { const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0)); const transfer = new DataTransfer(); transfer.items.add(new File([bytes], name, { type })); return transfer; }",
            new object[] { Convert.ToBase64String(bytes), name, type });
        await Page.DispatchEventAsync("#drop-zone", "drop", new { dataTransfer = transfer });
    }

    /// <summary>Picks a file with the image's file input.</summary>
    public Task PickImageAsync(byte[] bytes, string name, string type)
        => Page.SetInputFilesAsync("#image-file", new FilePayload { Name = name, MimeType = type, Buffer = bytes });

    /// <summary>Waits until the image is shown (its size known to the page).</summary>
    public Task WaitForImageAsync() => Page.Locator("#stage").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

    public Task ChooseBrushAsync(int index) => Page.CheckAsync($"input[name=brush][value='{index}']");

    public Task ChooseToolAsync(string tool) => Page.CheckAsync($"input[name=tool][value='{tool}']");

    /// <summary>Presses the mouse at the first point, drags through the others and lets go (points in image pixels).</summary>
    public async Task DragAsync(int imageWidth, int imageHeight, params (double X, double Y)[] points)
    {
        var first = await ToScreenAsync(imageWidth, imageHeight, points[0]);
        await Page.Mouse.MoveAsync(first.X, first.Y);
        await Page.Mouse.DownAsync();
        foreach (var point in points.Skip(1))
        {
            var next = await ToScreenAsync(imageWidth, imageHeight, point);
            await Page.Mouse.MoveAsync(next.X, next.Y, new MouseMoveOptions { Steps = 8 });
        }

        await Page.Mouse.UpAsync();
    }

    public async Task ClickImageAsync(int imageWidth, int imageHeight, (double X, double Y) point)
    {
        var at = await ToScreenAsync(imageWidth, imageHeight, point);
        await Page.Mouse.ClickAsync(at.X, at.Y);
    }

    /// <summary>Where an image pixel is on the screen now (the image scrolled into view first).</summary>
    public async Task<(float X, float Y)> ToScreenAsync(int imageWidth, int imageHeight, (double X, double Y) point)
    {
        var layer = Page.Locator("#stage canvas.cursor");
        await layer.ScrollIntoViewIfNeededAsync();
        var box = await layer.BoundingBoxAsync() ?? throw new InvalidOperationException("The image is not shown.");
        return ((float)(box.X + (point.X * box.Width / imageWidth)), (float)(box.Y + (point.Y * box.Height / imageHeight)));
    }

    /// <summary>Types the prompt, submits the form and returns the id of the job the page then follows.</summary>
    public async Task<string> SubmitAsync(string prompt)
    {
        await Page.FillAsync("#field-prompt", prompt);
        await Page.ClickAsync("#submit");
        return await FollowedJobAsync();
    }

    /// <summary>The id of the job the page shows.</summary>
    public async Task<string> FollowedJobAsync()
    {
        var id = Page.Locator("[data-job=id]");
        await Page.WaitForFunctionAsync("() => document.querySelector('[data-job=id]').textContent.length > 0");
        return await id.InnerTextAsync();
    }

    /// <summary>Waits until the job view reads <paramref name="status"/>.</summary>
    public Task WaitForStatusAsync(string status)
        => Page.WaitForFunctionAsync("status => document.querySelector('[data-job=status]').textContent === status", status);

    /// <summary>Plays the job's video (muted, as a page may without a gesture) and reports what the browser made of it.</summary>
    public async Task<VideoState> PlayVideoAsync()
    {
        var video = Page.Locator("[data-job=video]");
        await video.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        var state = await video.EvaluateAsync<JsonElement>(
            """
            async video => {
              video.muted = true;
              const failed = () => new Error(`media error ${video.error ? video.error.code + ' ' + video.error.message : ''}`);
              if (video.readyState < 1) {
                await new Promise((resolve, reject) => {
                  video.addEventListener('loadedmetadata', resolve, { once: true });
                  video.addEventListener('error', () => reject(failed()), { once: true });
                });
              }
              await video.play();
              await new Promise(resolve => video.addEventListener('timeupdate', resolve, { once: true }));
              return { duration: video.duration, error: video.error ? video.error.code : 0, width: video.videoWidth, height: video.videoHeight, source: video.currentSrc };
            }
            """);
        return new VideoState(
            state.GetProperty("duration").GetDouble(),
            state.GetProperty("error").GetInt32(),
            state.GetProperty("width").GetInt32(),
            state.GetProperty("height").GetInt32(),
            state.GetProperty("source").GetString()!);
    }

    public async ValueTask DisposeAsync() => await context.DisposeAsync();

    /// <param name="Error">The media error's code; 0 when none.</param>
    public sealed record VideoState(double Duration, int Error, int Width, int Height, string Source);
}
