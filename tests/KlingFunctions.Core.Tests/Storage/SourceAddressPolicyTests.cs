using System.Net;
using KlingFunctions.Storage;

namespace KlingFunctions.Core.Tests.Storage;

public class SourceAddressPolicyTests
{
    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("100.128.0.1")]
    [InlineData("172.32.0.1")]
    [InlineData("192.169.0.1")]
    [InlineData("2606:4700::1111")]
    [InlineData("64:ff9b::808:808")]
    public void Public_unicast_addresses_are_allowed(string address)
        => Assert.True(SourceAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.0.0.1")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.255")]
    [InlineData("127.0.0.1")]
    [InlineData("127.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("64:ff9b::a00:1")]
    public void Loopback_private_link_local_and_multicast_addresses_are_refused(string address)
        => Assert.False(SourceAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public void The_development_override_allows_private_addresses()
    {
        var policy = new SourceAddressPolicy(allowPrivateNetworks: true, new HashSet<IPEndPoint>());

        Assert.True(policy.Allows(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 443)));
    }

    [Fact]
    public void An_allowed_endpoint_does_not_open_other_ports_of_its_address()
    {
        var policy = new SourceAddressPolicy(allowPrivateNetworks: false, new HashSet<IPEndPoint> { new(IPAddress.Loopback, 5000) });

        Assert.False(policy.Allows(new IPEndPoint(IPAddress.Loopback, 5001)));
    }
}
