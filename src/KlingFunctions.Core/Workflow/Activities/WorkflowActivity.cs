namespace KlingFunctions.Workflow.Activities;

/// <summary>An activity as a host sees it: a name and a function from one input object to one output object.</summary>
public interface IWorkflowActivity
{
    string Name { get; }

    Type InputType { get; }

    Task<object?> RunAsync(object input, CancellationToken cancellationToken);
}

/// <summary>
/// One step of the workflow with I/O: the only place where the network, storage and the clock are touched.
/// The Functions app calls <see cref="RunAsync(TInput, CancellationToken)"/> from an activity trigger.
/// </summary>
public abstract class WorkflowActivity<TInput, TOutput> : IWorkflowActivity
    where TInput : notnull
{
    public abstract string Name { get; }

    Type IWorkflowActivity.InputType => typeof(TInput);

    public abstract Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken);

    async Task<object?> IWorkflowActivity.RunAsync(object input, CancellationToken cancellationToken)
        => await RunAsync((TInput)input, cancellationToken);
}
