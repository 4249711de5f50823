using System.Buffers.Text;
using KlingFunctions.Freepik;

namespace KlingFunctions.FreepikSimulator;

/// <summary>
/// The checks Freepik's API edge makes on a create body (from its OpenAPI page), and nothing more: image sizes,
/// formats and aspect ratios are only checked by Freepik once the task runs.
/// </summary>
internal static class CreateTaskRules
{
    private const int MaxPromptLength = 2500;

    public static List<FreepikInvalidParam> Check(FreepikCreateTask request)
    {
        List<FreepikInvalidParam> problems = [];

        if (string.IsNullOrEmpty(request.Duration))
        {
            problems.Add(new("duration", "Field 'duration' is required"));
        }
        else if (request.Duration is not ("5" or "10"))
        {
            problems.Add(new("duration", "Field 'duration' must be one of: 5, 10"));
        }

        if (request.CfgScale is { } cfgScale && !(cfgScale is >= 0 and <= 1))
        {
            problems.Add(new("cfg_scale", "Field 'cfg_scale' must be between 0 and 1"));
        }

        CheckLength(problems, "prompt", request.Prompt);
        CheckLength(problems, "negative_prompt", request.NegativePrompt);

        if (string.IsNullOrEmpty(request.Prompt) && string.IsNullOrEmpty(request.Image))
        {
            problems.Add(new("image", "Field 'image' is required when 'prompt' is not provided"));
        }

        CheckImage(problems, "image", request.Image);
        CheckImage(problems, "static_mask", request.StaticMask);
        for (var i = 0; i < (request.DynamicMasks?.Count ?? 0); i++)
        {
            CheckImage(problems, $"dynamic_masks[{i}].mask", request.DynamicMasks![i].Mask);
        }

        if (request.WebhookUrl is { } webhookUrl && !IsHttpUrl(webhookUrl))
        {
            problems.Add(new("webhook_url", "Field 'webhook_url' must be a valid URL"));
        }

        return problems;
    }

    private static void CheckLength(List<FreepikInvalidParam> problems, string name, string? value)
    {
        if (value?.Length > MaxPromptLength)
        {
            problems.Add(new(name, $"Field '{name}' cannot exceed {MaxPromptLength} characters"));
        }
    }

    private static void CheckImage(List<FreepikInvalidParam> problems, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value) && !IsHttpUrl(value) && !Base64.IsValid(value))
        {
            problems.Add(new(name, $"Field '{name}' must be a valid URL or a Base64 encoded image"));
        }
    }

    private static bool IsHttpUrl(string value)
        => Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
}
