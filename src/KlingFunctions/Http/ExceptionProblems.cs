using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;

namespace KlingFunctions.Http;

/// <summary>
/// An exception out of an HTTP function is answered as Core's problem (503 when storage or the Durable engine did not
/// answer, else 500 with a trace id), as the DevHost's exception handler does, instead of the host's bare 500. Other
/// triggers keep throwing, so that the host retries them.
/// </summary>
public sealed class ExceptionProblems(ILogger<ExceptionProblems> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (context.GetHttpContext() is { } http && !http.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(exception, "Function {Function} failed; answered as a problem", context.FunctionDefinition.Name);
            context.GetInvocationResult().Value = HostProblems.ForException(exception, http);
        }
    }
}
