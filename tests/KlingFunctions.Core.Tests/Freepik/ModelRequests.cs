using KlingFunctions.Requests;

namespace KlingFunctions.Freepik;

/// <summary>Requests built from the catalogue, for tests that go through every model.</summary>
internal static class ModelRequests
{
    /// <summary>A request for a video from <paramref name="image"/> with every field <paramref name="model"/> takes for one.</summary>
    public static VideoRequest EveryField(KlingModel model, string image, string endImage, string mask)
    {
        bool Takes(string field) => model.Field(field) is { } taken && taken.Modes.HasFlag(JobModes.ImageToVideo);
        return new VideoRequest
        {
            Model = model.Id,
            Image = image,
            EndImage = Takes(VideoFields.EndImage) ? endImage : null,
            Prompt = "P",
            NegativePrompt = Takes(VideoFields.NegativePrompt) ? "N" : null,
            Duration = "10",
            CfgScale = Takes(VideoFields.CfgScale) ? 0.3 : null,
            StaticMask = Takes(VideoFields.StaticMask) ? mask : null,
            DynamicMasks = Takes(VideoFields.DynamicMasks) ? [new DynamicMask { Mask = mask, Trajectories = [new TrajectoryPoint { X = 1, Y = 2 }] }] : null,
            AspectRatio = Takes(VideoFields.AspectRatio) ? "9:16" : null,
            GenerateAudio = Takes(VideoFields.GenerateAudio) ? false : null,
        };
    }
}
