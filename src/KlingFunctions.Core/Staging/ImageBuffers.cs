using System.Buffers;

namespace KlingFunctions.Staging;

/// <summary>
/// The pool for buffers the size of an image: JSON bodies that carry one in base64, and decoded images. Not
/// <see cref="ArrayPool{T}.Shared"/>: it keeps such arrays per thread and per core and drops them on a full GC, so a
/// request on another thread often found none and allocated 16 MB anew (measured in the staging benchmark). This
/// one keeps up to eight of each size for any thread: at most eight 16 MiB buffers for the default limits.
/// </summary>
internal static class ImageBuffers
{
    public static ArrayPool<byte> Pool { get; } = ArrayPool<byte>.Create(maxArrayLength: 32 * 1024 * 1024, maxArraysPerBucket: 8);
}
