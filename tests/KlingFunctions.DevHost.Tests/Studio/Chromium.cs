using Microsoft.Playwright;

namespace KlingFunctions.DevHost.Tests.Studio;

/// <summary>
/// Debian's Chromium, driven by Playwright for .NET through the driver its package bundles: no browser is downloaded.
/// Shared by a test class (one browser; each test a context of its own).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string DefaultExecutable = "/usr/bin/chromium";

    /// <summary>Headless, and nothing that reaches out: this machine's network refuses Chromium's own background connections.</summary>
    private static readonly string[] Flags =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private IPlaywright? playwright;
    private IBrowser? browser;

    public IBrowser Browser => browser ?? throw new InvalidOperationException("Chromium has not started.");

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("KLING_CHROMIUM") is { Length: > 0 } configured ? configured : DefaultExecutable;
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"The studio's browser tests drive Debian's Chromium at {executable}: install it with `apt-get install -y chromium` (.ci/run does), or set KLING_CHROMIUM to another Chromium.");
        }

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = executable, Headless = true, Args = Flags });
    }

    public async Task DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
