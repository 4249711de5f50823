using System.Collections.Concurrent;
using System.Diagnostics;
using KlingFunctions.Workflow.Activities;

namespace KlingFunctions.Benchmarks.Harness;

/// <summary>
/// Counts and times activity executions by name: wraps every registered <see cref="IWorkflowActivity"/> when the DevHost's
/// service provider is built (after the app has registered its own), without changing the app.
/// </summary>
internal sealed class ActivityCounter : IServiceProviderFactory<IServiceCollection>
{
    private readonly ConcurrentDictionary<string, int> counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> durations = new(StringComparer.Ordinal);

    /// <summary>Every execution's duration in milliseconds, by activity name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyCollection<double>> Durations()
        => durations.ToDictionary(p => p.Key, p => (IReadOnlyCollection<double>)[.. p.Value], StringComparer.Ordinal);

    public IReadOnlyDictionary<string, int> Snapshot() => new Dictionary<string, int>(counts, StringComparer.Ordinal);

    public IServiceCollection CreateBuilder(IServiceCollection services) => services;

    public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder)
    {
        var activities = containerBuilder.Where(d => d.ServiceType == typeof(IWorkflowActivity)).ToList();
        foreach (var descriptor in activities)
        {
            containerBuilder.Remove(descriptor);
            containerBuilder.Add(ServiceDescriptor.Describe(
                typeof(IWorkflowActivity),
                provider => new Counted(Create(descriptor, provider), this),
                descriptor.Lifetime));
        }

        return containerBuilder.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    private static IWorkflowActivity Create(ServiceDescriptor descriptor, IServiceProvider provider)
        => (IWorkflowActivity)(descriptor.ImplementationInstance
            ?? descriptor.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!));

    private sealed class Counted(IWorkflowActivity inner, ActivityCounter counter) : IWorkflowActivity
    {
        public string Name => inner.Name;

        public Type InputType => inner.InputType;

        public async Task<object?> RunAsync(object input, CancellationToken cancellationToken)
        {
            counter.counts.AddOrUpdate(Name, 1, static (_, count) => count + 1);
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await inner.RunAsync(input, cancellationToken);
            }
            finally
            {
                counter.durations.GetOrAdd(Name, _ => new ConcurrentQueue<double>()).Enqueue(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        }
    }
}
