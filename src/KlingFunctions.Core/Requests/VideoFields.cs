namespace KlingFunctions.Requests;

/// <summary>
/// The caller's names of the fields of a start request: one request shape for every model. The model catalogue
/// (<see cref="Freepik.KlingModels"/>) maps them to each model's own names on the wire.
/// </summary>
public static class VideoFields
{
    public const string Model = "model";
    public const string Image = "image";

    /// <summary>The last frame of the video (Freepik: <c>image_tail</c>, <c>end_image_url</c> or <c>last_frame</c>).</summary>
    public const string EndImage = "end_image";
    public const string Prompt = "prompt";
    public const string NegativePrompt = "negative_prompt";
    public const string Duration = "duration";
    public const string CfgScale = "cfg_scale";
    public const string StaticMask = "static_mask";
    public const string DynamicMasks = "dynamic_masks";
    public const string AspectRatio = "aspect_ratio";
    public const string GenerateAudio = "generate_audio";
    public const string CallbackUrl = "callback_url";
}
