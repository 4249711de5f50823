namespace KlingFunctions.Requests;

/// <summary>Shows a caller's value in an error message without echoing a whole base64 payload back.</summary>
internal static class Excerpt
{
    private const int MaxLength = 40;

    /// <summary>The value in quotes, cut after 40 characters.</summary>
    public static string Of(string value) => $"\"{Cut(value)}\"";

    /// <summary>The value as is (a JSON number), cut after 40 characters.</summary>
    public static string Raw(string value) => Cut(value);

    private static string Cut(string value)
        => value.Length <= MaxLength ? value : $"{value[..MaxLength]}… ({value.Length} characters)";
}
