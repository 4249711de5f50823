using KlingFunctions.Cli;

using var canceled = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Ctrl+C stops watching; the job itself goes on (kling cancel stops it).
    e.Cancel = true;
    canceled.Cancel();
};

try
{
    return await KlingCommand.RunAsync(args, Console.Out, Console.Error, Environment.GetEnvironmentVariable, cancellationToken: canceled.Token);
}
catch (OperationCanceledException) when (canceled.IsCancellationRequested)
{
    return 130;
}
