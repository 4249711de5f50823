using System.Buffers.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KlingFunctions.Freepik;

namespace KlingFunctions.FreepikSimulator;

/// <summary>
/// The checks Freepik's API edge makes on a create body (from each endpoint's page, <see cref="KlingEndpoints"/>), and
/// nothing more: image sizes, formats and aspect ratios are only checked by Freepik once the task runs.
/// </summary>
internal static class CreateTaskRules
{
    /// <summary>Every problem of <paramref name="body"/>, whose null fields count as not given (and are removed).</summary>
    public static List<FreepikInvalidParam> Check(KlingEndpoint endpoint, JsonObject body)
    {
        foreach (var name in body.Where(property => property.Value is null).Select(property => property.Key).ToList())
        {
            body.Remove(name);
        }

        List<FreepikInvalidParam> problems = [];
        foreach (var (name, value) in body)
        {
            problems.AddRange(endpoint.Fields.TryGetValue(name, out var rule)
                ? CheckValue(name, rule, value!)
                : [new(name, $"Field '{name}' is not allowed for {endpoint.Model}")]);
        }

        problems.AddRange(endpoint.Requires(body));
        return problems;
    }

    private static IEnumerable<FreepikInvalidParam> CheckValue(string name, WireRule rule, JsonNode value)
    {
        var kind = value.GetValueKind();
        var problem = rule.Kind switch
        {
            WireKind.Text when kind != JsonValueKind.String => "must be a string",
            WireKind.Text when rule.MaxLength is { } max && value.GetValue<string>().Length > max => $"cannot exceed {max} characters",
            WireKind.Number when kind != JsonValueKind.Number => "must be a number",
            WireKind.Number when value.GetValue<double>() is var number && !(number >= (rule.Min ?? double.MinValue) && number <= (rule.Max ?? double.MaxValue)) => $"must be between {rule.Min} and {rule.Max}",
            WireKind.Integer when kind != JsonValueKind.Number || !value.AsValue().TryGetValue<int>(out _) => "must be an integer",
            WireKind.Boolean when kind is not (JsonValueKind.True or JsonValueKind.False) => "must be a boolean",
            WireKind.ImageOrUrl when kind != JsonValueKind.String || !(IsHttpUrl(value.GetValue<string>()) || Base64.IsValid(value.GetValue<string>())) => "must be a valid URL or a Base64 encoded image",
            WireKind.Url when kind != JsonValueKind.String || !IsHttpUrl(value.GetValue<string>()) => "must be a valid URL",
            WireKind.DynamicMasks when kind != JsonValueKind.Array => "must be an array",
            _ => null,
        };

        if (problem is null && rule.Values is { } values && !values.Any(allowed => JsonNode.DeepEquals(allowed, value)))
        {
            problem = $"must be one of: {string.Join(", ", values.Select(allowed => allowed.ToJsonString()))}";
        }

        if (problem is not null)
        {
            return [new(name, $"Field '{name}' {problem}")];
        }

        return rule.Kind == WireKind.DynamicMasks ? CheckMasks(name, value.AsArray()) : [];
    }

    private static IEnumerable<FreepikInvalidParam> CheckMasks(string name, JsonArray masks)
    {
        for (var i = 0; i < masks.Count; i++)
        {
            var field = $"{name}[{i}]";
            if (masks[i] is not JsonObject mask)
            {
                yield return new(field, $"Field '{field}' must be an object");
                continue;
            }

            foreach (var problem in CheckValue($"{field}.mask", new WireRule(WireKind.ImageOrUrl), mask["mask"] ?? JsonValue.Create(string.Empty)))
            {
                yield return problem;
            }

            if (mask["trajectories"] is not JsonArray points || points.Any(point => point is not JsonObject { } xy || xy["x"]?.GetValueKind() != JsonValueKind.Number || xy["y"]?.GetValueKind() != JsonValueKind.Number))
            {
                yield return new($"{field}.trajectories", $"Field '{field}.trajectories' must be an array of points with integer x and y");
            }

            foreach (var (key, _) in mask.Where(property => property.Key is not ("mask" or "trajectories")))
            {
                yield return new($"{field}.{key}", $"Field '{field}.{key}' is not allowed");
            }
        }
    }

    private static bool IsHttpUrl(string value)
        => Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
