namespace KlingFunctions.FreepikSimulator;

/// <summary>The small real mp4 every completed task "generates" (Assets/sample.mp4, embedded).</summary>
internal static class SampleVideo
{
    private const string ResourceName = "KlingFunctions.FreepikSimulator.Assets.sample.mp4";

    public static byte[] Bytes { get; } = Load();

    private static byte[] Load()
    {
        using var stream = typeof(SampleVideo).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
