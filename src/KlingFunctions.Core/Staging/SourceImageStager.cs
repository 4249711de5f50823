using KlingFunctions.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Staging;

/// <summary>
/// The StageSourceImage step: copies URL inputs into the inputs container (so Freepik only ever reads our copy),
/// then inspects every stored input against the create call's rules. Returns blob names and sizes, or field-named
/// errors; never the bytes.
/// </summary>
public sealed class SourceImageStager(
    InputBlobStore store,
    PublicUrlFetcher fetcher,
    IOptions<StorageOptions> options,
    ILogger<SourceImageStager> logger)
{
    public async Task<StagingResult> StageAsync(StagingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<StagingError>();

        // A text-to-video job has no image; then there is nothing to stage (the request validator allows no masks or end frame either).
        var image = request.Image is null ? null : await StoreAndReadAsync(request.JobId, InputFields.Image, request.Image, errors, cancellationToken);
        var endImage = request.EndImage is null ? null : await StoreAndReadAsync(request.JobId, InputFields.EndImage, request.EndImage, errors, cancellationToken);
        var masks = new List<InspectedInput>();
        if (request.StaticMask is { } staticMask
            && await StoreAndReadAsync(request.JobId, InputFields.StaticMask, staticMask, errors, cancellationToken) is { } inspectedStatic)
        {
            masks.Add(inspectedStatic);
        }

        for (var index = 0; index < (request.DynamicMasks?.Count ?? 0); index++)
        {
            if (await StoreAndReadAsync(request.JobId, InputFields.DynamicMask(index), request.DynamicMasks![index], errors, cancellationToken) is { } inspected)
            {
                masks.Add(inspected);
            }
        }

        errors.AddRange(SourceImageInspector.Check([.. new[] { image, endImage }.OfType<InspectedInput>(), .. masks]));
        if (errors.Count > 0)
        {
            logger.LogInformation("Job {JobId} inputs rejected: {ErrorCount} problems in {Fields}", request.JobId, errors.Count, errors.Select(error => error.Field).Distinct());
            return StagingResult.Failed(errors);
        }

        logger.LogInformation("Job {JobId} staged a {Width}x{Height} image, {EndFrames} end frame and {MaskCount} masks", request.JobId, image?.Header.Width, image?.Header.Height, endImage is null ? 0 : 1, masks.Count);
        return new StagingResult(
            image?.ToStaged(),
            request.StaticMask is null ? null : masks[0].ToStaged(),
            [.. masks.Skip(request.StaticMask is null ? 0 : 1).Select(mask => mask.ToStaged())],
            [],
            endImage?.ToStaged());
    }

    private async Task<InspectedInput?> StoreAndReadAsync(
        string jobId,
        string field,
        InputReference input,
        List<StagingError> errors,
        CancellationToken cancellationToken)
    {
        var blobName = input.BlobName;
        if (input.Url is { } url)
        {
            var fetched = await fetcher.FetchAsync(
                url,
                SourceImageInspector.MaxImageBytes,
                options.Value.SourceTimeout,
                async (content, token) => blobName = await store.UploadAsync(jobId, field, content, token),
                cancellationToken);
            if (fetched.Transient)
            {
                // Thrown, so that Durable retries staging with its backoff; only what will not change is InvalidImage.
                throw new SourceUnavailableException(field, fetched.Error!);
            }

            if (!fetched.Succeeded)
            {
                errors.Add(fetched.TooLarge ? SourceImageInspector.TooLarge(field) : new(field, $"points to a URL that {fetched.Error}"));
                return null;
            }
        }

        if (blobName is null)
        {
            errors.Add(new(field, "is missing."));
            return null;
        }

        var inspected = await store.InspectAsync(field, blobName, cancellationToken);
        if (inspected is null)
        {
            errors.Add(new(field, "was not found in storage; upload it again."));
        }

        return inspected;
    }
}
