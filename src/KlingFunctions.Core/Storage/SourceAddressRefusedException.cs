using System.Net;

namespace KlingFunctions.Storage;

/// <summary>Thrown inside the connect callback when a host resolves only to addresses the policy refuses.</summary>
public sealed class SourceAddressRefusedException(string host, IPAddress address)
    : IOException($"{host} resolves to {address}, a loopback, private, link-local or multicast address.")
{
    public string Host { get; } = host;

    public IPAddress Address { get; } = address;
}
