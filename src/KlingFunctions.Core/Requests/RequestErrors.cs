namespace KlingFunctions.Requests;

/// <summary>
/// Every problem found in a request, keyed by the JSON name of the field (<c>dynamic_masks[0].mask</c>;
/// <c>""</c> for the body as a whole), ready for the <c>errors</c> map of an RFC 9457 validation problem.
/// </summary>
public sealed class RequestErrors
{
    /// <summary>The key for problems of the body as a whole (not JSON, not an object).</summary>
    public const string Body = "";

    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IReadOnlyDictionary<string, string[]> Errors
        => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    internal void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            messages = [];
            _errors.Add(field, messages);
        }

        messages.Add(message);
    }
}
