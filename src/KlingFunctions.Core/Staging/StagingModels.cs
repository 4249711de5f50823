namespace KlingFunctions.Staging;

/// <summary>
/// Where one input image or mask is, as orchestration state carries it: a blob name in the inputs container (bytes
/// the caller uploaded, stored at the HTTP edge) or the caller's https URL, fetched by staging. Never the bytes.
/// </summary>
public sealed record InputReference(string? BlobName = null, Uri? Url = null)
{
    public static InputReference Blob(string blobName) => new(BlobName: blobName);

    public static InputReference FromUrl(Uri url) => new(Url: url);
}

/// <summary>What the StageSourceImage activity receives: the job and its image, end frame and masks.</summary>
public sealed record StagingRequest(
    string JobId,
    InputReference? Image,
    InputReference? StaticMask = null,
    IReadOnlyList<InputReference>? DynamicMasks = null,
    InputReference? EndImage = null)
{
    /// <summary>The blobs the request's inputs name (bytes the caller sent); retention deletes exactly these with the job.</summary>
    public IEnumerable<string> BlobNames()
        => new[] { Image, EndImage, StaticMask }.Concat(DynamicMasks ?? []).Select(input => input?.BlobName).OfType<string>();
}

/// <summary>A validated private blob in the inputs container, ready to be shared through a SAS URL.</summary>
public sealed record StagedImage(string Field, string BlobName, ImageFormat Format, int Width, int Height, long Bytes);

/// <summary>A problem with one request field (<c>image</c>, <c>end_image</c>, <c>static_mask</c>, <c>dynamic_masks[i].mask</c>).</summary>
public sealed record StagingError(string Field, string Message);

/// <summary>Staged blobs when every input passed, otherwise the errors (errors are outcomes, not exceptions).</summary>
public sealed record StagingResult(
    StagedImage? Image,
    StagedImage? StaticMask,
    IReadOnlyList<StagedImage> DynamicMasks,
    IReadOnlyList<StagingError> Errors,
    StagedImage? EndImage = null)
{
    public bool Succeeded => Errors.Count == 0;

    public static StagingResult Failed(IReadOnlyList<StagingError> errors) => new(null, null, [], errors);
}

/// <summary>
/// What the HTTP edge keeps of one input: a reference for the orchestration, or why it was refused; and for bytes the
/// caller sent, their header, so that the edge checks them as staging would before the job starts.
/// </summary>
public sealed record StoredInput(InputReference? Input, StagingError? Error, InspectedInput? Inspected = null)
{
    public static StoredInput Stored(InputReference input, InspectedInput? inspected = null) => new(input, null, inspected);

    public static StoredInput Rejected(StagingError error) => new(null, error);
}
