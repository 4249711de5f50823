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

    /// <param name="allowedEndpoints">Exact non-public endpoints still allowed, e.g. the DevHost's own simulator.</param>
    public SourceAddressPolicy(bool allowPrivateNetworks, IReadOnlySet<IPEndPoint> allowedEndpoints)
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

        return url.Scheme == Uri.UriSchemeHttp && url.IsLoopback && AllowsLiteralHost(url);
    }

    /// <summary>
    /// What can be told from the URL alone, for an answer at the HTTP edge: the scheme, and the address when the
    /// host is an IP literal or <c>localhost</c>. Host names are checked again, after DNS, when connecting.
    /// </summary>
    public bool AllowsUrl(Uri url) => AllowsScheme(url) && AllowsLiteralHost(url);

    /// <summary>
    /// For a copy the storage service makes itself: it may connect to any address the host resolves to, so every one
    /// of them must be allowed (a fetch of ours checks the one it connects to, in <see cref="ConnectAsync"/>).
    /// </summary>
    public async Task<bool> AllowsEveryAddressAsync(Uri url, CancellationToken cancellationToken)
    {
        if (!AllowsScheme(url))
        {
            return false;
        }

        try
        {
            var addresses = IPAddress.TryParse(url.IdnHost, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(url.IdnHost, cancellationToken);
            return addresses.Length > 0 && addresses.All(address => Allows(new IPEndPoint(address, url.Port)));
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private bool AllowsLiteralHost(Uri url)
    {
        IPAddress[] addresses = url.IsLoopback && !IPAddress.TryParse(url.IdnHost, out _)
            ? [IPAddress.Loopback, IPAddress.IPv6Loopback]
            : IPAddress.TryParse(url.IdnHost, out var literal) ? [literal] : [];
        return addresses.Length == 0 || addresses.Any(address => Allows(new IPEndPoint(address, url.Port)));
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
            return IsPublicIPv4(bytes[..4]);
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal
            || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (bytes[0] & 0xFE) == 0xFC)
        {
            return false; // ::1, ::, fe80::/10, fec0::/10, ff00::/8, fc00::/7 (unique local)
        }

        // Addresses that carry an IPv4 address: 64:ff9b::/96 (NAT64) and ::/96 (IPv4-compatible) in their last
        // four bytes, 2002::/16 (6to4) in bytes 2 to 5. They are as public as the IPv4 address they reach.
        ReadOnlySpan<byte> nat64 = [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0];
        ReadOnlySpan<byte> compatible = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        if (bytes[..12].SequenceEqual(nat64) || bytes[..12].SequenceEqual(compatible))
        {
            return IsPublicIPv4(bytes[12..16]);
        }

        return bytes[0] != 0x20 || bytes[1] != 0x02 || IsPublicIPv4(bytes[2..6]);
    }

    private static bool IsPublicIPv4(ReadOnlySpan<byte> ip) => ip[0] switch
    {
        0 or 10 or 127 => false,                           // "this network", private, loopback
        100 => (ip[1] & 0xC0) != 64,                       // 100.64.0.0/10 carrier-grade NAT
        169 => ip[1] != 254,                               // link-local, including the cloud metadata endpoint
        172 => (ip[1] & 0xF0) != 16,                       // 172.16.0.0/12
        192 => ip[1] != 168 && !(ip[1] == 0 && ip[2] == 0), // 192.168.0.0/16, 192.0.0.0/24 (IETF protocol assignments)
        198 => (ip[1] & 0xFE) != 18,                       // 198.18.0.0/15 benchmarking
        168 => !(ip[1] == 63 && ip[2] == 129 && ip[3] == 16), // Azure's platform endpoint (DNS, health, metadata)
        >= 224 => false,                                   // multicast and reserved
        _ => true,
    };

    private static IPEndPoint Normalize(IPEndPoint endpoint)
        => endpoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port) : endpoint;
}
