using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace KlingFunctions.Workflow;

/// <summary>The orchestrator function: Core's <see cref="VideoOrchestration"/> on the context Durable Functions hands it.</summary>
public static class VideoOrchestrator
{
    [Function(VideoOrchestration.Name)]
    public static Task<VideoJobResult> Run([OrchestrationTrigger] TaskOrchestrationContext context)
        => new VideoOrchestration().RunAsync(context, context.GetInput<VideoJobInput>()!);
}
