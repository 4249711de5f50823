using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace KlingFunctions.Workflow;

/// <summary>The orchestrator function: Core's <see cref="VideoOrchestration"/> on Durable's context.</summary>
public static class VideoOrchestrator
{
    /// <summary>The orchestration's function name; <see cref="DurableVideoJobClient"/> starts instances by it.</summary>
    public const string Name = nameof(VideoOrchestration);

    [Function(Name)]
    public static Task<VideoJobResult> Run([OrchestrationTrigger] TaskOrchestrationContext context)
        => VideoOrchestration.RunAsync(new DurableWorkflowContext(context), context.GetInput<VideoJobInput>()!);
}
