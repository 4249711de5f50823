using System.Globalization;
using KlingFunctions.Requests;

namespace KlingFunctions.Staging;

/// <summary>The request fields that carry images, and where each one is kept under its job in the inputs container.</summary>
public static class InputFields
{
    public const string Image = VideoFields.Image;
    public const string EndImage = VideoFields.EndImage;
    public const string StaticMask = VideoFields.StaticMask;

    private const string DynamicMaskPrefix = "dynamic_masks[";
    private const string DynamicMaskSuffix = "].mask";

    public static string DynamicMask(int index) => string.Create(CultureInfo.InvariantCulture, $"{DynamicMaskPrefix}{index}{DynamicMaskSuffix}");

    /// <summary><c>{jobId}/image.png</c>, <c>{jobId}/end_image.png</c>, <c>{jobId}/static_mask.jpg</c>, <c>{jobId}/dynamic_masks/0.png</c>.</summary>
    public static string BlobName(string jobId, string field, ImageFormat format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobId);
        if (jobId.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("A job id must not contain '/'.", nameof(jobId));
        }

        var stem = BlobStem(field) ?? throw new ArgumentException($"'{field}' is not an image field of the create call.", nameof(field));
        return $"{jobId}/{stem}{format.Extension()}";
    }

    /// <summary><c>static_mask</c> or <c>dynamic_masks[i].mask</c>: checked against the image, not as one.</summary>
    public static bool IsMask(string field)
        => field == StaticMask || (IsImageField(field) && field.StartsWith(DynamicMaskPrefix, StringComparison.Ordinal));

    /// <summary><c>image</c>, <c>end_image</c>, <c>static_mask</c> or <c>dynamic_masks[i].mask</c>: a field that carries an image.</summary>
    public static bool IsImageField(string field) => BlobStem(field) is not null;

    private static string? BlobStem(string field)
    {
        if (field is Image or EndImage or StaticMask)
        {
            return field;
        }

        return field.StartsWith(DynamicMaskPrefix, StringComparison.Ordinal) && field.EndsWith(DynamicMaskSuffix, StringComparison.Ordinal)
            && int.TryParse(field.AsSpan(DynamicMaskPrefix.Length, field.Length - DynamicMaskPrefix.Length - DynamicMaskSuffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? string.Create(CultureInfo.InvariantCulture, $"dynamic_masks/{index}")
            : null;
    }
}
