using System.Text;
using KlingFunctions.Webhooks;

namespace KlingFunctions.Core.Tests.Webhooks;

public class WebhookSignatureTests
{
    private const string Id = "msg_2Kx9";
    private const string Timestamp = "1767225600";

    private static readonly byte[] Body = Encoding.UTF8.GetBytes(
        """{"task_id":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","status":"COMPLETED","generated":["https://cdn.example.com/v.mp4"]}""");

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1767225600);

    // Computed outside this code base: python3 hmac.new(key, b"msg_2Kx9.1767225600." + body, sha256), base64;
    // the raw one also with `openssl dgst -sha256 -hmac my-dashboard-secret -binary | base64`.
    public static TheoryData<string, string> SecretEncodings => new()
    {
        { "my-dashboard-secret", "v1,5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=" },
        { "c2VjcmV0LWtleS1ieXRlcw==", "v1,lduE+MjZethgIhg+2ZnaebxyBUQOsiLgwkyPka9socU=" },
        { "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "v1,S/PhvIotMo95pyuDJSl2IN61u/7ju/Sht3uUkDSbnAs=" },
        { "00112233445566778899aabbccddeeff", "v1,bB2iABs+wRY+Nm7rZsz8AKMfA8mNXpeT5UGL2EBNtZ4=" },
    };

    [Theory]
    [MemberData(nameof(SecretEncodings))]
    public void Verify_accepts_an_independently_computed_signature_for_each_secret_encoding(string secret, string header)
    {
        var result = WebhookSignature.Verify(secret, Id, Timestamp, header, Body, Now);

        Assert.Equal(WebhookVerificationReason.Valid, result.Reason);
        Assert.True(result.IsValid);
    }

    [Fact]
    public void Verify_accepts_the_standard_webhooks_reference_vector()
    {
        var body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");

        var result = WebhookSignature.Verify(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "1614265330",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            body,
            DateTimeOffset.FromUnixTimeSeconds(1614265330));

        Assert.Equal(WebhookVerificationReason.Valid, result.Reason);
    }

    [Fact]
    public void Sign_reproduces_the_independently_computed_raw_secret_signature()
    {
        var header = WebhookSignature.Sign("my-dashboard-secret", Id, 1767225600, Body);

        Assert.Equal("v1,5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=", header);
    }

    [Fact]
    public void Sign_base64_decodes_a_whsec_secret()
    {
        var header = WebhookSignature.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Id, 1767225600, Body);

        Assert.Equal("v1,S/PhvIotMo95pyuDJSl2IN61u/7ju/Sht3uUkDSbnAs=", header);
    }

    [Theory]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("c2VjcmV0LWtleS1ieXRlcw==")]
    public void Verify_accepts_a_delivery_signed_by_the_Standard_Webhooks_reference_library(string secret)
    {
        var signed = new StandardWebhooks.StandardWebhook(secret).Sign(Id, Now, Encoding.UTF8.GetString(Body));

        Assert.True(WebhookSignature.Verify(secret, Id, Timestamp, signed, Body, Now).IsValid);
    }

    [Fact]
    public void Verify_accepts_what_Sign_produced()
    {
        var header = WebhookSignature.Sign("round-trip", "msg_1", 1767225700, Body);

        var result = WebhookSignature.Verify("round-trip", "msg_1", "1767225700", header, Body, Now);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Verify_rejects_a_tampered_body()
    {
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Body).Replace("COMPLETED", "FAILED", StringComparison.Ordinal));

        var result = WebhookSignature.Verify("my-dashboard-secret", Id, Timestamp, "v1,5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=", tampered, Now);

        Assert.Equal(WebhookVerificationReason.NoMatchingSignature, result.Reason);
    }

    [Fact]
    public void Verify_rejects_a_tampered_webhook_id()
    {
        var result = WebhookSignature.Verify("my-dashboard-secret", "msg_other", Timestamp, "v1,5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=", Body, Now);

        Assert.Equal(WebhookVerificationReason.NoMatchingSignature, result.Reason);
    }

    [Fact]
    public void Verify_rejects_a_signature_made_with_another_secret()
    {
        var result = WebhookSignature.Verify("another-secret", Id, Timestamp, "v1,5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=", Body, Now);

        Assert.Equal(WebhookVerificationReason.NoMatchingSignature, result.Reason);
    }

    [Fact]
    public void Verify_accepts_a_header_whose_second_signature_matches_during_secret_rotation()
    {
        var oldSignature = WebhookSignature.Sign("old-secret", Id, 1767225600, Body);

        var result = WebhookSignature.Verify(
            "my-dashboard-secret", Id, Timestamp, $"{oldSignature} v1,5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=", Body, Now);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Verify_ignores_entries_of_other_versions()
    {
        var result = WebhookSignature.Verify("my-dashboard-secret", Id, Timestamp, "v2,5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=", Body, Now);

        Assert.Equal(WebhookVerificationReason.NoMatchingSignature, result.Reason);
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(-3600)]
    public void Verify_rejects_a_timestamp_older_than_five_minutes(int offsetSeconds)
    {
        var result = VerifyAt(Now.AddSeconds(offsetSeconds));

        Assert.Equal(WebhookVerificationReason.Expired, result.Reason);
    }

    [Theory]
    [InlineData(301)]
    [InlineData(86_400)]
    public void Verify_rejects_a_timestamp_more_than_five_minutes_in_the_future(int offsetSeconds)
    {
        var result = VerifyAt(Now.AddSeconds(offsetSeconds));

        Assert.Equal(WebhookVerificationReason.Expired, result.Reason);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    public void Verify_accepts_a_timestamp_at_the_edge_of_the_tolerance(int offsetSeconds)
    {
        var result = VerifyAt(Now.AddSeconds(offsetSeconds));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Verifier_applies_its_own_tolerance()
    {
        var verifier = new WebhookSignatureVerifier("my-dashboard-secret", TimeSpan.FromSeconds(30));

        var result = verifier.Verify(Id, Timestamp, "v1,5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=", Body, Now.AddSeconds(-31));

        Assert.Equal(WebhookVerificationReason.Expired, result.Reason);
    }

    [Theory]
    [InlineData(null, Timestamp, "v1,abc=")]
    [InlineData(Id, null, "v1,abc=")]
    [InlineData(Id, Timestamp, null)]
    [InlineData("", Timestamp, "v1,abc=")]
    [InlineData(Id, " ", "v1,abc=")]
    [InlineData(Id, Timestamp, "")]
    public void Verify_reports_missing_headers(string? id, string? timestamp, string? signature)
    {
        var result = WebhookSignature.Verify("my-dashboard-secret", id, timestamp, signature, Body, Now);

        Assert.Equal(WebhookVerificationReason.MissingHeaders, result.Reason);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-1767225600")]
    [InlineData("1767225600.5")]
    [InlineData("99999999999999999999")]
    public void Verify_reports_a_timestamp_that_is_not_unix_seconds(string timestamp)
    {
        var result = WebhookSignature.Verify("my-dashboard-secret", Id, timestamp, "v1,5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=", Body, Now);

        Assert.Equal(WebhookVerificationReason.BadTimestamp, result.Reason);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("v1,")]
    [InlineData("v1,not base64!")]
    [InlineData("v1,c2hvcnQ=")]
    [InlineData(",,, v1 v1,,")]
    [InlineData("5XXbwVq1XDJ9Gx+UX2US9n+oPpCbeAMg6qz9vibUcmM=")]
    public void Verify_reports_no_matching_signature_for_a_garbage_header(string header)
    {
        var result = WebhookSignature.Verify("my-dashboard-secret", Id, Timestamp, header, Body, Now);

        Assert.Equal(WebhookVerificationReason.NoMatchingSignature, result.Reason);
    }

    private static WebhookVerification VerifyAt(DateTimeOffset signedAt)
    {
        var timestamp = signedAt.ToUnixTimeSeconds();
        var header = WebhookSignature.Sign("my-dashboard-secret", Id, timestamp, Body);
        return WebhookSignature.Verify("my-dashboard-secret", Id, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), header, Body, Now);
    }
}
