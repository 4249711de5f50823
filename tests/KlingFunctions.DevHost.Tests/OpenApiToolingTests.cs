using System.Globalization;
using System.Text;
using System.Text.Json;
using KlingFunctions.Http.OpenApi;

namespace KlingFunctions.DevHost.Tests;

/// <summary>
/// The OpenAPI document read by tools nobody here wrote: Redocly's linter, and openapi-typescript with openapi-fetch
/// compiled by TypeScript. Both documents (the Functions app's, with the function key required, and the DevHost's, with
/// it optional) and every operation they hold, so routes added later are checked too.
/// </summary>
public sealed class OpenApiToolingTests : IDisposable
{
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("kling-openapi-");

    private static readonly string[] CompiledFiles = ["calls.ts"];

    public static TheoryData<bool> Documents => [false, true];

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Redocly_lints_the_document_with_no_errors(bool devHost)
    {
        var file = await WriteDocumentAsync(devHost);

        var lint = await NodeTool.RunAsync("redocly", work.FullName, "lint", "--format=stylish", file);

        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.DoesNotContain("error", lint.StandardOutput, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task A_client_generated_by_openapi_typescript_compiles_a_call_of_every_operation(bool devHost)
    {
        var file = await WriteDocumentAsync(devHost);
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file));

        var generate = await NodeTool.RunAsync("openapi-typescript", work.FullName, file, "--output", "api.d.ts");
        await File.WriteAllTextAsync(Path.Combine(work.FullName, "calls.ts"), CallsOfEveryOperation(document.RootElement));
        await File.WriteAllTextAsync(Path.Combine(work.FullName, "tsconfig.json"), TsConfig());
        var compile = await NodeTool.RunAsync("tsc", work.FullName, "--project", "tsconfig.json");

        Assert.True(generate.ExitCode == 0, generate.ToString());
        Assert.True(compile.ExitCode == 0, compile + "\n" + await File.ReadAllTextAsync(Path.Combine(work.FullName, "calls.ts")));
    }

    public void Dispose() => work.Delete(recursive: true);

    private async Task<string> WriteDocumentAsync(bool devHost)
    {
        var path = Path.Combine(work.FullName, "openapi.json");
        await File.WriteAllTextAsync(path, await new ApiDocument(functionKeyOptional: devHost).GetJsonAsync());
        return path;
    }

    private static string TsConfig()
    {
        var modules = Path.Combine(NodeTool.Repository, "node_modules");
        return JsonSerializer.Serialize(new
        {
            compilerOptions = new
            {
                strict = true,
                noEmit = true,
                target = "es2022",
                module = "esnext",
                moduleResolution = "bundler",
                skipLibCheck = true,
                types = Array.Empty<string>(),
                baseUrl = ".",
                paths = new Dictionary<string, string[]> { ["openapi-fetch"] = [Path.Combine(modules, "openapi-fetch")] },
            },
            files = CompiledFiles,
        });
    }

    /// <summary>One openapi-fetch call per operation and request media type, with every body field given a value of its type.</summary>
    private static string CallsOfEveryOperation(JsonElement document)
    {
        var code = new StringBuilder("""
            import createClient from "openapi-fetch";
            import type { paths } from "./api";

            const client = createClient<paths>({ baseUrl: "http://localhost:7071" });

            export async function callEveryOperation(): Promise<void> {

            """);
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var parameters = Parameters(operation.Value);
                List<string?> bodies = operation.Value.TryGetProperty("requestBody", out var body)
                    ? [.. body.GetProperty("content").EnumerateObject().Select(media => Sample(media.Value.GetProperty("schema"), document, 0))]
                    : [null];
                foreach (var sample in bodies)
                {
                    var init = string.Join(", ", new[] { parameters, sample is null ? null : $"body: {sample}" }.OfType<string>());
                    code.Append(CultureInfo.InvariantCulture, $"    await client.{operation.Name.ToUpperInvariant()}(\"{path.Name}\", {{ {init} }});\n");
                }
            }
        }

        return code.Append("}\n").ToString();
    }

    /// <summary><c>params: { path: {…}, query: {…} }</c> with the required path and query parameters.</summary>
    private static string? Parameters(JsonElement operation)
    {
        if (!operation.TryGetProperty("parameters", out var parameters))
        {
            return null;
        }

        var groups = parameters.EnumerateArray()
            .Where(parameter => parameter.TryGetProperty("required", out var required) && required.GetBoolean())
            .GroupBy(parameter => parameter.GetProperty("in").GetString()!)
            .Select(group => $"{group.Key}: {{ {string.Join(", ", group.Select(parameter => $"\"{parameter.GetProperty("name").GetString()}\": \"x\""))} }}")
            .ToList();
        return groups.Count == 0 ? null : $"params: {{ {string.Join(", ", groups)} }}";
    }

    /// <summary>A TypeScript literal for <paramref name="schema"/>: objects with all their properties, arrays with one item.</summary>
    private static string Sample(JsonElement schema, JsonElement document, int depth)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return Sample(document.GetProperty("components").GetProperty("schemas").GetProperty(name), document, depth);
        }

        if (schema.TryGetProperty("enum", out var values))
        {
            return values.EnumerateArray().First().GetRawText();
        }

        foreach (var keyword in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(keyword, out var options))
            {
                return Sample(options.EnumerateArray().First(option => !IsNull(option)), document, depth);
            }
        }

        var type = schema.TryGetProperty("type", out var declared)
            ? declared.ValueKind == JsonValueKind.Array ? declared.EnumerateArray().Select(t => t.GetString()).First(t => t != "null") : declared.GetString()
            : "object";
        return type switch
        {
            "string" => "\"x\"",
            "number" => "0.5",
            "integer" => "1",
            "boolean" => "true",
            "array" => depth > 4 ? "[]" : $"[{Sample(schema.GetProperty("items"), document, depth + 1)}]",
            _ when depth > 4 || !schema.TryGetProperty("properties", out _) => "{}",
            _ => "{ " + string.Join(", ", schema.GetProperty("properties").EnumerateObject().Select(property => $"\"{property.Name}\": {Sample(property.Value, document, depth + 1)}")) + " }",
        };
    }

    private static bool IsNull(JsonElement schema) => schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";
}
