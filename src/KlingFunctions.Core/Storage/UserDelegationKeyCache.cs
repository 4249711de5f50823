using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace KlingFunctions.Storage;

/// <summary>
/// The user delegation key that signs SAS URLs when the account is reached with a managed identity (no account
/// key). Asking for one is a round trip to Storage, so one key is kept until shortly before it could no longer
/// cover a new SAS URL's lifetime.
/// </summary>
public sealed class UserDelegationKeyCache(BlobServiceClient service, TimeProvider time) : IDisposable
{
    /// <summary>
    /// How long each key lasts (Storage allows up to 7 days): twice the longest SAS lifetime, so one key serves
    /// about a day of URLs before it is renewed.
    /// </summary>
    public static readonly TimeSpan KeyLifetime = TimeSpan.FromDays(2);

    /// <summary>Starts in the past, for clocks that differ between us and Storage.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim refresh = new(1, 1);
    private UserDelegationKey? current;

    /// <summary>A key valid for at least <paramref name="validity"/> from now (a SAS may not outlive its key).</summary>
    public async Task<UserDelegationKey> GetAsync(TimeSpan validity, CancellationToken cancellationToken)
    {
        if (Covers(current, validity))
        {
            return current!;
        }

        await refresh.WaitAsync(cancellationToken);
        try
        {
            if (!Covers(current, validity))
            {
                var now = time.GetUtcNow();
                var response = await service.GetUserDelegationKeyAsync(
                    new BlobGetUserDelegationKeyOptions(now + KeyLifetime) { StartsOn = now - ClockSkew },
                    cancellationToken);
                current = response.Value;
            }

            return current!;
        }
        finally
        {
            refresh.Release();
        }
    }

    public void Dispose() => refresh.Dispose();

    private bool Covers(UserDelegationKey? key, TimeSpan validity)
        => key is not null && key.SignedExpiresOn - ClockSkew >= time.GetUtcNow() + validity;
}
