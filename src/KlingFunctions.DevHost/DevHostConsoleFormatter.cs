using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace KlingFunctions.DevHost;

/// <summary>
/// The DevHost's console, for a person: one line per event with its time and message; warnings and errors say so, and
/// name their source when it is not this service's own code. Exceptions follow on their own lines.
/// </summary>
internal sealed class DevHostConsoleFormatter() : ConsoleFormatter(Name)
{
    public new const string Name = "devhost";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (string.IsNullOrEmpty(message) && logEntry.Exception is null)
        {
            return;
        }

        var level = logEntry.LogLevel switch
        {
            LogLevel.Warning => "warning: ",
            LogLevel.Error => "error: ",
            LogLevel.Critical => "critical: ",
            _ => string.Empty,
        };
        var source = logEntry.Category.StartsWith("KlingFunctions.", StringComparison.Ordinal) ? string.Empty : $" [{logEntry.Category}]";
        textWriter.WriteLine($"{DateTime.Now:HH:mm:ss}  {level}{message.ReplaceLineEndings(" ")}{source}");
        if (logEntry.Exception is { } exception)
        {
            textWriter.WriteLine($"          {exception.ToString().ReplaceLineEndings(Environment.NewLine + "          ")}");
        }
    }
}
