using System.Security.Cryptography;
using KlingFunctions.Requests;
using KlingFunctions.Storage;

namespace KlingFunctions.Staging;

/// <summary>
/// The file parts of one start request, each stored as it is read (no temporary file; the SDK's pooled buffer) and, when
/// the request has an Idempotency-Key, hashed on the way for its fingerprint. The request is validated once its body
/// has been read, so what it then refuses, or does not use, is removed again with <see cref="DiscardAsync"/>.
/// </summary>
public sealed class IncomingImages(InputBlobStore store, string owner, bool hashed)
{
    private readonly Dictionary<string, Received> received = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StoredInput> decodedTexts = new(StringComparer.Ordinal);
    private StreamedJsonImage? streamedJson;

    /// <summary>The fields that came as non-empty file parts.</summary>
    public IReadOnlySet<string> Fields => received.Keys.ToHashSet(StringComparer.Ordinal);

    public StoredInput? Find(string field) => received.GetValueOrDefault(field)?.Stored;

    /// <summary>SHA-256 of the part's bytes, when hashed and stored whole.</summary>
    public byte[]? DigestOf(string field) => received.GetValueOrDefault(field)?.Digest;

    /// <summary>
    /// Stores a file part. As with the form reader before, the first part of a field counts, an empty one (an HTML
    /// form's empty file input) is no image, and parts that are not image fields are not kept.
    /// </summary>
    public async Task AddAsync(string field, Stream content, CancellationToken cancellationToken)
    {
        if (!InputFields.IsImageField(field) || received.ContainsKey(field))
        {
            return;
        }

        using var hash = hashed ? SHA256.Create() : null;
        await using var hashing = hash is null ? null : new CryptoStream(content, hash, CryptoStreamMode.Read, leaveOpen: true);
        var limited = new LimitedReadStream(hashing ?? content, SourceImageInspector.MaxImageBytes);
        if ((await limited.PeekAsync(InputBlobStore.HeaderPeekBytes, cancellationToken)).IsEmpty)
        {
            return;
        }

        var stored = await store.StoreUploadAsync(owner, field, limited, cancellationToken);
        received[field] = new Received(stored, stored.Error is null ? hash?.Hash : null);
    }

    /// <summary>For a JSON body: its image, decoded and staged while the body arrives.</summary>
    public StreamedJsonImage StreamJsonImage() => streamedJson ??= new StreamedJsonImage(store, owner);

    /// <summary>
    /// Stores the image given as text in <paramref name="field"/> (a URL is kept as it is): the copy staged while the JSON
    /// body arrived when there is one, else decoded from the body now.
    /// </summary>
    public async Task<StoredInput> StoreTextAsync(string field, ImageSource source, CancellationToken cancellationToken)
    {
        var stored = (streamedJson is null ? null : await streamedJson.CommitAsync(field, source, cancellationToken))
            ?? await store.StoreAsync(owner, field, source, cancellationToken);
        if (stored.Input?.BlobName is not null)
        {
            decodedTexts[field] = stored;
        }

        return stored;
    }

    /// <summary>
    /// Deletes every stored part and decoded text image whose field is not in <paramref name="keep"/> (all of them for a
    /// refused request), and
    /// returns the streamed JSON image's buffers.
    /// </summary>
    public async Task DiscardAsync(IReadOnlySet<string> keep, CancellationToken cancellationToken)
    {
        if (streamedJson is not null)
        {
            await streamedJson.DisposeAsync();
        }

        foreach (var (field, stored) in received.Select(part => (part.Key, part.Value.Stored)).Concat(decodedTexts.Select(text => (text.Key, text.Value))))
        {
            if (!keep.Contains(field) && stored.Input?.BlobName is { } blobName)
            {
                await store.DeleteAsync(blobName, cancellationToken);
            }
        }
    }

    private sealed record Received(StoredInput Stored, byte[]? Digest);
}
