using KlingFunctions.Events;
using KlingFunctions.Freepik;
using KlingFunctions.Health;
using KlingFunctions.Http.OpenApi;
using KlingFunctions.Http;
using KlingFunctions.Pipelines;
using KlingFunctions.Staging;
using KlingFunctions.Storage;
using KlingFunctions.Studio;
using KlingFunctions.Webhooks;
using KlingFunctions.Workflow;
using KlingFunctions.Workflow.Activities;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KlingFunctions;

/// <summary>The composition root both hosts use: the Functions app and the DevHost register exactly this.</summary>
public static class KlingFunctionsServiceCollectionExtensions
{
    public static IServiceCollection AddKlingFunctions(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddFreepikClient();
        services.AddWebhookToken();
        services.AddStaging();
        services.AddSingleton<SubmitLedger>();
        services.AddSingleton<FreepikSlots>();
        services.AddSingleton<LateDeliveries>();
        services.AddPipelines();
        services.AddSingleton<JobRetention>();
        services.AddOptions<EventOptions>()
            .Bind(configuration.GetSection(EventOptions.Section))
            .PostConfigure(options => options.Source ??= Environment.GetEnvironmentVariable("WEBSITE_HOSTNAME") is { Length: > 0 } host ? $"https://{host}" : null)
            .Validate(options => options.TopicEndpoint is null || options.TopicEndpoint.IsAbsoluteUri, "Events:TopicEndpoint must be an absolute URL, e.g. https://{topic}.{region}-1.eventgrid.azure.net/api/events.")
            .ValidateOnStart();
        services.AddSingleton<JobEvents>();

        services.AddOptions<WorkflowOptions>().Bind(configuration.GetSection(WorkflowOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CallbackOptions>().Bind(configuration.GetSection(CallbackOptions.Section));
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        AddActivity<StageSourceImageActivity>(services);
        AddActivity<AcquireFreepikSlotActivity>(services);
        AddActivity<ReleaseFreepikSlotActivity>(services);
        AddActivity<SubmitVideoTaskActivity>(services);
        AddActivity<GetVideoTaskStatusActivity>(services);
        AddActivity<ArchiveVideoActivity>(services);
        AddActivity<NotifyCallbackActivity>(services);
        AddActivity<PublishJobEventActivity>(services);
        services.AddHttpClient(NotifyCallbackActivity.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(provider => provider.GetRequiredService<SourceAddressPolicy>().CreateHandler());

        services.AddSingleton<JobViewFactory>();
        services.AddSingleton<IncomingVideoRequestReader>();
        services.AddSingleton<VideoJobStarter>();
        services.AddSingleton<LateDeliveryKeeper>();
        services.AddSingleton<FreepikWebhookReceiver>();
        services.AddSingleton<VideoApi>();
        services.AddSingleton<HealthCheck>();
        services.AddSingleton<ApiDocument>();
        services.AddOptions<StudioOptions>().Bind(configuration.GetSection(StudioOptions.Section));
        services.AddSingleton<StudioFiles>();
        return services;
    }

    /// <summary>Transient, like the typed HttpClients they hold, so that their handlers are rotated.</summary>
    private static void AddActivity<TActivity>(IServiceCollection services)
        where TActivity : class, ITaskActivity
        => services.AddTransient<TActivity>();
}
