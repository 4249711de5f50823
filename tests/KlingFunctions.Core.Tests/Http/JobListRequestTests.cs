using KlingFunctions.Http;
using KlingFunctions.Workflow;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace KlingFunctions.Core.Tests.Http;

/// <summary>The query of <c>GET /api/videos</c>: what is taken, and the field errors of what is not.</summary>
public sealed class JobListRequestTests
{
    [Fact]
    public void Without_parameters_the_first_page_of_20_jobs_of_any_status_is_asked_for()
    {
        var (request, errors) = JobListRequest.Read(Query());

        Assert.Empty(errors);
        Assert.Equal(new JobListRequest(null, 20, null), request);
    }

    [Theory]
    [InlineData("completed", JobStatus.Completed)]
    [InlineData("TimedOut", JobStatus.TimedOut)]
    [InlineData("PENDING", JobStatus.Pending)]
    public void A_status_is_read_by_its_name_in_any_case(string value, JobStatus expected)
        => Assert.Equal(expected, JobListRequest.Read(Query(("status", value))).Request?.Status);

    [Theory]
    [InlineData("Done")]
    [InlineData("1")]
    [InlineData("Pending,Running")]
    public void Anything_but_a_status_name_is_refused_naming_the_statuses(string value)
    {
        var (request, errors) = JobListRequest.Read(Query(("status", value)));

        Assert.Null(request);
        Assert.Contains("Pending, Running, Completed, Failed, Canceled, TimedOut", Assert.Single(errors["status"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    public void Top_takes_1_to_100(string value, int expected)
        => Assert.Equal(expected, JobListRequest.Read(Query(("top", value))).Request?.Top);

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-5")]
    [InlineData("2.5")]
    [InlineData("ten")]
    public void Top_outside_1_to_100_is_refused(string value)
        => Assert.Contains("top", JobListRequest.Read(Query(("top", value))).Errors.Keys);

    [Fact]
    public void A_continuation_token_comes_back_as_the_cursor_it_was_made_from()
    {
        var cursor = new JobListCursor(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234), "0123456789abcdef0123456789abcdef", TimeSpan.FromHours(4));

        var read = JobListRequest.Read(Query(("continuationToken", JobListRequest.Encode(cursor)))).Request?.After;

        Assert.Equal(cursor, read);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("eyJUaWNrcyI6MSwiSWQiOiJ4IiwiU3BhbiI6MX0")]
    public void A_token_this_API_did_not_make_is_refused(string token)
        => Assert.Contains("continuationToken", JobListRequest.Read(Query(("continuationToken", token))).Errors.Keys);

    [Fact]
    public void Every_bad_parameter_is_named_at_once_and_a_repeated_one_too()
    {
        var errors = JobListRequest.Read(Query(("status", "Nope"), ("top", "0"), ("top", "5"))).Errors;

        Assert.Equal(["status", "top"], errors.Keys.Order());
    }

    private static QueryCollection Query(params (string Name, string Value)[] values)
        => new(values.GroupBy(value => value.Name).ToDictionary(group => group.Key, group => new StringValues([.. group.Select(value => value.Value)])));
}
