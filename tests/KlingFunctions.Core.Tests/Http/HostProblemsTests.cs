using Azure;
using Grpc.Core;
using KlingFunctions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace KlingFunctions.Core.Tests.Http;

public sealed class HostProblemsTests
{
    public static TheoryData<Exception, int> Exceptions => new()
    {
        { new AggregateException(new RequestFailedException("Connection refused"), new RequestFailedException("Connection refused")), 503 },
        { new RequestFailedException(503, "Server busy"), 503 },
        { new RpcException(new Status(StatusCode.Unknown, "Exception was thrown by handler.")), 503 },
        { new RpcException(new Status(StatusCode.Internal, "Failed to start instanceId x due to internal exception.")), 503 },
        { new HttpRequestException("Connection refused"), 503 },
        { new RequestFailedException(403, "Forbidden"), 500 },
        { new InvalidOperationException("a bug"), 500 },
        { new BadHttpRequestException("Unexpected end of request content.", 400), 400 },
        { new BadHttpRequestException("Request body too large.", 413), 413 },
    };

    [Theory]
    [MemberData(nameof(Exceptions))]
    public void An_exception_nobody_caught_is_a_problem_503_when_a_dependency_did_not_answer_else_400_413_or_500(Exception exception, int status)
    {
        var problem = Assert.IsAssignableFrom<IValueHttpResult>(HostProblems.ForException(exception, new DefaultHttpContext())).Value as ProblemDetails;

        Assert.Equal(status, problem!.Status);
        Assert.False(string.IsNullOrEmpty(problem.Title));
        Assert.False(string.IsNullOrEmpty(problem.Detail));
    }

    [Theory]
    [InlineData(404, "No such route.")]
    [InlineData(405, "Method not allowed.")]
    [InlineData(415, "Unsupported media type.")]
    [InlineData(429, "Too many requests.")]
    public void A_status_without_a_body_is_a_problem_with_what_to_do(int status, string title)
    {
        var context = new DefaultHttpContext { Response = { StatusCode = status } };

        var problem = Assert.IsAssignableFrom<IValueHttpResult>(HostProblems.ForStatus(context)).Value as ProblemDetails;

        Assert.Equal(status, problem!.Status);
        Assert.Equal(title, problem.Title);
        Assert.False(string.IsNullOrEmpty(problem.Detail));
    }
}
