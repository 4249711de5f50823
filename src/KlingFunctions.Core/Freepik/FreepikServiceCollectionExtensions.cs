using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace KlingFunctions.Freepik;

public static class FreepikServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IFreepikClient"/> as a typed HttpClient configured from the <c>Freepik</c> section.
    /// Status GETs are retried with jittered exponential backoff; the create POST never is (see DESIGN.md
    /// "Never pay twice"): the workflow decides what to do with its outcome.
    /// </summary>
    public static IServiceCollection AddFreepikClient(this IServiceCollection services)
    {
        services.AddOptions<FreepikOptions>()
            .BindConfiguration(FreepikOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddTransient<ResponseBufferingHandler>();
        services.TryAddTransient<FreepikMetricsHandler>();

        var builder = services.AddHttpClient<IFreepikClient, FreepikClient>(static (serviceProvider, client) =>
            {
                var options = serviceProvider.GetRequiredService<IOptions<FreepikOptions>>().Value;
                client.BaseAddress = WithTrailingSlash(options.BaseUrl);
                // The resilience pipeline times each attempt out; HttpClient's own 100 s must not cut in first.
                client.Timeout = Timeout.InfiniteTimeSpan;
                if (!string.IsNullOrEmpty(options.ApiKey))
                {
                    // Without validation: a failed validation would put the value into an exception message.
                    client.DefaultRequestHeaders.TryAddWithoutValidation(options.ApiKeyHeader, options.ApiKey);
                }
            })
            // The default loggers pass raw header values (the API key) to structured log providers at Trace level.
            .RemoveAllLoggers()
            .AddLogger(static serviceProvider => new FreepikRequestLogger(
                serviceProvider.GetRequiredService<ILogger<FreepikRequestLogger>>()));
        builder.AddResilienceHandler("freepik", ConfigurePipeline);
        // Added after the resilience handler, so it runs inside each attempt.
        builder.AddHttpMessageHandler<ResponseBufferingHandler>();
        builder.AddHttpMessageHandler<FreepikMetricsHandler>();

        return services;
    }

    private static void ConfigurePipeline(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, ResilienceHandlerContext context)
    {
        var options = context.ServiceProvider.GetRequiredService<IOptions<FreepikOptions>>().Value;
        var timeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
        pipeline.TimeProvider = timeProvider;

        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.StatusRetryAttempts,
            Delay = options.StatusRetryDelay,
            MaxDelay = options.StatusRetryMaxDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(
                HttpClientResiliencePredicates.IsTransient(args.Outcome)
                && !(RetryAfterHeader.Read(args.Outcome.Result, timeProvider.GetUtcNow()) > options.StatusRetryMaxDelay)),
            // Retry-After when Freepik sent one (ShouldHandle keeps it under MaxDelay), else the backoff.
            DelayGenerator = args => ValueTask.FromResult(RetryAfterHeader.Read(args.Outcome.Result, timeProvider.GetUtcNow())),
        };
        // A POST that may have reached Freepik is never repeated here: a second create pays for a second video.
        retry.DisableForUnsafeHttpMethods();

        pipeline
            .AddRetry(retry)
            .AddTimeout(new HttpTimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(
                    args.Context.GetRequestMessage()?.Method == HttpMethod.Post ? options.CreateTimeout : options.StatusTimeout),
            });
    }

    // Relative paths resolve under the base URL's own path only when it ends with a slash (a simulator may live under a prefix).
    private static Uri WithTrailingSlash(Uri baseUrl)
        => baseUrl.AbsolutePath.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
}
