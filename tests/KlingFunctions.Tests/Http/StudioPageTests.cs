using System.Text;
using KlingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KlingFunctions.Tests.Http;

/// <summary>The studio's triggers: off unless <c>Studio:Enabled</c> is true, then the page and its files.</summary>
public sealed class StudioPageTests
{
    [Fact]
    public async Task The_page_is_404_unless_the_studio_is_enabled()
    {
        var (status, _, body) = await ServeAsync(enabled: null, page => page.Studio(Request("/api/studio")));

        Assert.Equal(StatusCodes.Status404NotFound, status);
        Assert.Contains("Studio:Enabled", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Its_files_are_404_unless_the_studio_is_enabled()
        => Assert.Equal(StatusCodes.Status404NotFound, (await ServeAsync(enabled: "false", page => page.StudioFile(Request("/api/studio/app.js"), "app.js"))).Status);

    [Fact]
    public async Task Enabled_the_page_is_HTML_that_may_load_only_from_its_own_origin()
    {
        var (status, headers, body) = await ServeAsync(enabled: "true", page => page.Studio(Request("/api/studio")));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.StartsWith("text/html", headers.ContentType.ToString(), StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", headers.ContentSecurityPolicy.ToString(), StringComparison.Ordinal);
        Assert.Contains("<script type=\"module\" src=\"studio/app.js\">", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app.js", "text/javascript")]
    [InlineData("brushes.js", "text/javascript")]
    [InlineData("studio.css", "text/css")]
    public async Task Enabled_its_files_are_served_with_their_types(string file, string type)
    {
        var (status, headers, _) = await ServeAsync(enabled: "true", page => page.StudioFile(Request($"/api/studio/{file}"), file));

        Assert.Equal(StatusCodes.Status200OK, status);
        Assert.StartsWith(type, headers.ContentType.ToString(), StringComparison.Ordinal);
        Assert.Equal("nosniff", headers.XContentTypeOptions.ToString());
    }

    [Theory]
    [InlineData("index.html")]
    [InlineData("nothing.js")]
    public async Task Anything_else_is_404(string file)
        => Assert.Equal(StatusCodes.Status404NotFound, (await ServeAsync(enabled: "true", page => page.StudioFile(Request($"/api/studio/{file}"), file))).Status);

    [Fact]
    public async Task The_page_with_a_trailing_slash_is_sent_to_the_page_so_that_its_relative_links_hold()
    {
        var (status, headers, _) = await ServeAsync(enabled: "true", page => page.Studio(Request("/api/studio/")));

        Assert.Equal(StatusCodes.Status308PermanentRedirect, status);
        Assert.Equal("/api/studio", headers.Location.ToString());
    }

    private static HttpRequest Request(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = HttpMethods.Get;
        context.Request.Path = path;
        return context.Request;
    }

    private static async Task<(int Status, IHeaderDictionary Headers, string Body)> ServeAsync(string? enabled, Func<StudioPage, IResult> serve)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Freepik:ApiKey"] = "a-freepik-key",
            ["Studio:Enabled"] = enabled,
        }).Build();
        await using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging().AddKlingFunctionsApp(configuration).BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        var body = new MemoryStream();
        context.Response.Body = body;

        await serve(ActivatorUtilities.CreateInstance<StudioPage>(services)).ExecuteAsync(context);

        return (context.Response.StatusCode, context.Response.Headers, Encoding.UTF8.GetString(body.ToArray()));
    }
}
