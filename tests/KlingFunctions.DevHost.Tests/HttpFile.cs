using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// Runs a <c>.http</c> file the way the editors do, as far as <c>KlingFunctions.http</c> uses the format: file
/// variables (<c>@name = value</c>), requests separated by <c>###</c>, <c># @name</c>, <c>&lt; ./file</c> bodies and
/// <c>{{request.response.body.$.field}}</c> references to earlier answers.
/// </summary>
internal sealed partial class HttpFile(string path)
{
    private readonly Dictionary<string, string> variables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> responses = new(StringComparer.Ordinal);

    /// <summary>The JSON answer of the request named <paramref name="name"/> (<c># @name</c>).</summary>
    public JsonElement Response(string name) => responses[name];

    /// <summary>Sends every request in order and returns each one's title and status code.</summary>
    public async Task<List<(string Title, int Status)>> RunAsync(HttpClient client, IReadOnlyDictionary<string, string> overrides)
    {
        var text = (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n");
        var blocks = RequestSeparator().Split(text);
        foreach (Match match in FileVariable().Matches(blocks[0]))
        {
            variables[match.Groups[1].Value] = match.Groups[2].Value.Trim();
        }

        foreach (var (name, value) in overrides)
        {
            variables[name] = value;
        }

        var results = new List<(string, int)>();
        foreach (var block in blocks.Skip(1))
        {
            var lines = block.Split('\n');
            using var request = Parse(lines, out var name);
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (name is not null && response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true)
            {
                responses[name] = JsonDocument.Parse(body).RootElement.Clone();
            }

            results.Add((lines[0].Trim(), (int)response.StatusCode));
        }

        return results;
    }

    private HttpRequestMessage Parse(string[] lines, out string? name)
    {
        name = null;
        var index = 1;
        for (; index < lines.Length && (lines[index].StartsWith('#') || lines[index].Trim().Length == 0); index++)
        {
            if (NameDirective().Match(lines[index]) is { Success: true } directive)
            {
                name = directive.Groups[1].Value;
            }
        }

        var requestLine = Substitute(lines[index++]).Split(' ', 2);
        var request = new HttpRequestMessage(new HttpMethod(requestLine[0]), requestLine[1].Trim());
        var headers = new List<(string, string)>();
        for (; index < lines.Length && lines[index].Trim().Length > 0; index++)
        {
            var header = lines[index].Split(':', 2);
            headers.Add((header[0].Trim(), Substitute(header[1]).Trim()));
        }

        var bodyLines = lines.Skip(index + 1).Reverse().SkipWhile(line => line.Trim().Length == 0).Reverse().ToList();
        if (bodyLines.Count > 0)
        {
            request.Content = new ByteArrayContent(Body(bodyLines));
        }

        foreach (var (header, value) in headers)
        {
            if (header.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(header, value);
            }
        }

        return request;
    }

    /// <summary>The body with CRLF line ends (multipart needs them) and <c>&lt; ./file</c> lines replaced by the file's bytes.</summary>
    private byte[] Body(List<string> lines)
    {
        using var body = new MemoryStream();
        for (var i = 0; i < lines.Count; i++)
        {
            var bytes = lines[i].StartsWith("< ", StringComparison.Ordinal)
                ? File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(path)!, lines[i][2..].Trim()))
                : Encoding.UTF8.GetBytes(Substitute(lines[i]));
            body.Write(bytes);
            if (i < lines.Count - 1)
            {
                body.Write("\r\n"u8);
            }
        }

        return body.ToArray();
    }

    private string Substitute(string text)
        => Reference().Replace(text, match =>
        {
            var reference = match.Groups[1].Value;
            var response = ResponseBodyField().Match(reference);
            return response.Success
                ? responses[response.Groups[1].Value].GetProperty(response.Groups[2].Value).GetString()!
                : variables[reference];
        });

    [GeneratedRegex(@"^###", RegexOptions.Multiline)]
    private static partial Regex RequestSeparator();

    [GeneratedRegex(@"^@(\w+)\s*=(.*)$", RegexOptions.Multiline)]
    private static partial Regex FileVariable();

    [GeneratedRegex(@"^#\s*@name\s+(\w+)")]
    private static partial Regex NameDirective();

    [GeneratedRegex(@"\{\{([^}]+)\}\}")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^(\w+)\.response\.body\.\$\.(\w+)$")]
    private static partial Regex ResponseBodyField();
}
