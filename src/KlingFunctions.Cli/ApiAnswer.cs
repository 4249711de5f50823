using System.Net;
using System.Text.Json;
using KlingFunctions.Http;

namespace KlingFunctions.Cli;

/// <summary>One answer of the API: the job view (or page of jobs) when there is one, else the problem it reported.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JobView? Job, JsonElement? Problem)
{
    /// <summary>The page of jobs, when the answer is one.</summary>
    public JobList? List { get; init; }

    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>The exit code for a refused request.</summary>
    public int ExitCode => Status switch
    {
        HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType or HttpStatusCode.UnprocessableEntity => ExitCodes.InvalidInput,
        HttpStatusCode.NotFound => ExitCodes.NotFound,
        HttpStatusCode.Conflict => ExitCodes.AlreadyFinished,
        _ => ExitCodes.Unavailable,
    };

    /// <summary>The problem's title, detail and field errors, as lines a person reads.</summary>
    public IEnumerable<string> Describe()
    {
        yield return $"{(int)Status} {Text("title") ?? Status.ToString()}";
        if (Text("detail") is { } detail)
        {
            yield return detail;
        }

        if (Problem is { } problem && problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in errors.EnumerateObject())
            {
                foreach (var message in field.Value.EnumerateArray())
                {
                    yield return $"  {field.Name}: {message.GetString()}";
                }
            }
        }
    }

    private string? Text(string property)
        => Problem is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
