using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace KlingFunctions.Storage;

/// <summary>
/// Which addresses a fetch of a caller-supplied URL may connect to. Checked in
/// <see cref="SocketsHttpHandler.ConnectCallback"/> on the address actually connected to, after DNS resolution, so
/// DNS rebinding and redirects (every hop opens its connection through the callback) cannot reach the internal
/// network, the host itself or the cloud metadata endpoint (169.254.169.254).
/// </summary>
public sealed class SourceAddressPolicy
{
    private readonly bool allowPrivateNetworks;
    private readonly IReadOnlySet<IPEndPoint> allowedEndpoints;

    public SourceAddressPolicy(IOptions<StorageOptions> options)
        : this(options.Value.AllowPrivateNetworkSources, new HashSet<IPEndPoint>())
    {
    }

    /// <param name="allowedEndpoints">Exact non-public endpoints still allowed, e.g. one local test server.</param>
    internal SourceAddressPolicy(bool allowPrivateNetworks, IReadOnlySet<IPEndPoint> allowedEndpoints)
    {
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.allowedEndpoints = allowedEndpoints;
    }

    public bool Allows(IPEndPoint endpoint)
        => allowPrivateNetworks || IsPublic(endpoint.Address) || allowedEndpoints.Contains(Normalize(endpoint));

    /// <summary>Plain http only towards loopback that is allowed anyway (local development and tests).</summary>
    public bool AllowsScheme(Uri url)
    {
        if (url.Scheme == Uri.UriSchemeHttps)
        {
            return true;
        }

        return url.Scheme == Uri.UriSchemeHttp && url.IsLoopback
            && (allowPrivateNetworks || (IPAddress.TryParse(url.Host, out var address) && allowedEndpoints.Contains(Normalize(new IPEndPoint(address, url.Port)))));
    }

    /// <summary>
    /// A handler whose every connection, redirects included, goes through <see cref="ConnectAsync"/>: for any
    /// URL a caller gave us (image sources, callbacks) and for Freepik's video URLs.
    /// </summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        // Redirects are followed by the caller, which re-checks each hop's scheme.
        AllowAutoRedirect = false,
        // Through a proxy the callback would check the proxy's address, not the target's.
        UseProxy = false,
        UseCookies = false,
        // Do not read past a size limit just to reuse the connection.
        MaxResponseDrainSize = 0,
    };

    /// <summary>Resolves the host and connects to its first allowed address; refuses when none is allowed.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var target = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(target.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(target.Host, cancellationToken);

        IPAddress? refused = null;
        SocketException? lastFailure = null;
        foreach (var address in addresses)
        {
            var endpoint = new IPEndPoint(address, target.Port);
            if (!Allows(endpoint))
            {
                refused ??= address;
                continue;
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(endpoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                lastFailure = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        if (lastFailure is not null)
        {
            throw lastFailure;
        }

        throw refused is not null
            ? new SourceAddressRefusedException(target.Host, refused)
            : new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>True for globally routable unicast addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);

        if (length == 4)
        {
            return IsPublicIPv4(bytes[0], bytes[1]);
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal
            || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (bytes[0] & 0xFE) == 0xFC)
        {
            return false; // ::1, ::, fe80::/10, fec0::/10, ff00::/8, fc00::/7 (unique local)
        }

        // 64:ff9b::/96 (NAT64) reaches the IPv4 address in its last four bytes.
        var nat64 = bytes[..12].SequenceEqual((ReadOnlySpan<byte>)[0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0]);
        return !nat64 || IsPublicIPv4(bytes[12], bytes[13]);
    }

    private static bool IsPublicIPv4(byte first, byte second) => first switch
    {
        0 or 10 or 127 => false,                 // "this network", private, loopback
        100 => (second & 0xC0) != 64,            // 100.64.0.0/10 carrier-grade NAT
        169 => second != 254,                    // link-local, including the cloud metadata endpoint
        172 => (second & 0xF0) != 16,            // 172.16.0.0/12
        192 => second != 168,                    // 192.168.0.0/16
        >= 224 => false,                         // multicast and reserved
        _ => true,
    };

    private static IPEndPoint Normalize(IPEndPoint endpoint)
        => endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;
}
