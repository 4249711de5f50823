using System.Globalization;
using KlingFunctions.Requests;

namespace KlingFunctions.Staging;

/// <summary>One stored input as the inspector sees it: its field, blob, size in bytes and header.</summary>
public sealed record InspectedInput(string Field, string BlobName, long Bytes, ImageHeader Header)
{
    public StagedImage ToStaged() => new(Field, BlobName, Header.Format, Header.Width, Header.Height, Bytes);
}

/// <summary>
/// The create call's rules for the image, its end frame and its masks (kling-v2-1-std-create.openapi.md; the end
/// frame has the image's rules on every model that takes one, KLING-MODELS.md): JPEG or PNG, at most 10 MB, the image
/// and the end frame at least 300×300 with an aspect ratio between 1:2.5 and 2.5:1, masks with the image's aspect
/// ratio and all masks of one resolution. Freepik fails the task later when these are broken; we say so up front.
/// </summary>
public static class SourceImageInspector
{
    public const long MaxImageBytes = VideoRequestValidator.MaxImageBytes;
    public const int MinSide = 300;

    /// <param name="image">Null when the image could not be stored; masks are then checked on their own.</param>
    public static IReadOnlyList<StagingError> Check(InspectedInput? image, IReadOnlyList<InspectedInput> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        return Check(image is null ? masks : [image, .. masks]);
    }

    /// <summary>
    /// The same rules over whichever inputs there are, told apart by their fields: every frame (an image field that is not
    /// a mask) is checked as the image, masks as masks against the <c>image</c> when it is among them. The HTTP edge
    /// checks the bytes a request carries this way, before the job starts; staging, everything once URLs are fetched.
    /// </summary>
    public static IReadOnlyList<StagingError> Check(IReadOnlyList<InspectedInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var errors = new List<StagingError>();
        foreach (var frame in inputs.Where(input => !InputFields.IsMask(input.Field)))
        {
            if (CheckFile(frame, errors))
            {
                CheckImageSize(frame, errors);
            }
        }

        var image = inputs.FirstOrDefault(input => input.Field == InputFields.Image);
        var masks = inputs.Where(input => InputFields.IsMask(input.Field));

        InspectedInput? reference = null;
        foreach (var mask in masks)
        {
            if (!CheckFile(mask, errors))
            {
                continue;
            }

            if (image is { Header.HasSize: true } && !SameAspectRatio(image.Header, mask.Header))
            {
                errors.Add(new(mask.Field, Invariant($"is {mask.Header.Width}×{mask.Header.Height} pixels, which does not have the aspect ratio of the image ({image.Header.Width}×{image.Header.Height}).")));
            }

            if (reference is null)
            {
                reference = mask;
            }
            else if (mask.Header.Width != reference.Header.Width || mask.Header.Height != reference.Header.Height)
            {
                errors.Add(new(mask.Field, Invariant($"is {mask.Header.Width}×{mask.Header.Height} pixels but {reference.Field} is {reference.Header.Width}×{reference.Header.Height}; the static mask and all dynamic masks must have the same resolution.")));
            }
        }

        return errors;
    }

    /// <summary>Format, readable header and byte size; true when the size in pixels can be checked further.</summary>
    private static bool CheckFile(InspectedInput input, List<StagingError> errors)
    {
        if (input.Bytes > MaxImageBytes)
        {
            errors.Add(TooLarge(input.Field));
            return false;
        }

        if (!input.Header.Format.IsAccepted())
        {
            errors.Add(new(input.Field, input.Header.Format == ImageFormat.NotAnImage
                ? "must be a JPEG or PNG image, but its bytes are not an image."
                : $"must be a JPEG or PNG image, but it is {input.Header.Format.Describe()}."));
            return false;
        }

        if (!input.Header.HasSize)
        {
            errors.Add(new(input.Field, $"is a {input.Header.Format.Describe()} file whose size in pixels cannot be read (damaged or truncated header)."));
            return false;
        }

        return true;
    }

    private static void CheckImageSize(InspectedInput image, List<StagingError> errors)
    {
        var (width, height) = (image.Header.Width, image.Header.Height);
        if (width < MinSide || height < MinSide)
        {
            errors.Add(new(image.Field, Invariant($"is {width}×{height} pixels; both sides must be at least {MinSide} pixels.")));
        }

        // 1:2.5 ≤ width:height ≤ 2.5:1, in integers: 2·w ≤ 5·h and 2·h ≤ 5·w.
        if (2L * width > 5L * height || 2L * height > 5L * width)
        {
            errors.Add(new(image.Field, Invariant($"is {width}×{height} pixels, an aspect ratio of {(double)width / height:0.###}:1; it must be between 1:2.5 (0.4:1) and 2.5:1.")));
        }
    }

    /// <summary>
    /// A mask made by scaling the image rounds each side to whole pixels, so its other side may differ by one pixel
    /// from the exact proportion; anything further off is a different aspect ratio.
    /// </summary>
    private static bool SameAspectRatio(ImageHeader image, ImageHeader mask)
    {
        var expectedHeight = (double)mask.Width * image.Height / image.Width;
        var expectedWidth = (double)mask.Height * image.Width / image.Height;
        return Math.Abs(mask.Height - expectedHeight) <= 1 || Math.Abs(mask.Width - expectedWidth) <= 1;
    }

    public static StagingError TooLarge(string field)
        => new(field, Invariant($"is larger than 10 MB ({MaxImageBytes:N0} bytes)."));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
