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
    [InlineData("2002:808:808::1")]
    [InlineData("198.20.0.1")]
    [InlineData("168.63.129.17")]
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
    [InlineData("::10.0.0.1")]
    [InlineData("2002:a00:1::1")]
    [InlineData("2002:7f00:1::1")]
    [InlineData("168.63.129.16")]
    [InlineData("192.0.0.8")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.255")]
    public void Loopback_private_link_local_and_multicast_addresses_are_refused(string address)
        => Assert.False(SourceAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://example.com/cat.png", true)]
    [InlineData("http://example.com/cat.png", false)]
    [InlineData("https://127.0.0.1/cat.png", false)]
    [InlineData("https://[::1]:8443/cat.png", false)]
    [InlineData("https://10.0.0.1/cat.png", false)]
    [InlineData("http://localhost:5000/cat.png", false)]
    [InlineData("http://localhost:7071/video.mp4", true)]
    [InlineData("http://127.0.0.1:7071/video.mp4", true)]
    [InlineData("http://[::1]:7071/video.mp4", true)]
    public void AllowsUrl_refuses_what_the_url_alone_shows_to_be_private_except_the_allowed_endpoints(string url, bool allowed)
    {
        var policy = new SourceAddressPolicy(allowPrivateNetworks: false, new HashSet<IPEndPoint> { new(IPAddress.Loopback, 7071), new(IPAddress.IPv6Loopback, 7071) });

        Assert.Equal(allowed, policy.AllowsUrl(new Uri(url)));
    }

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
