using System.Security.Cryptography;
using System.Text;

namespace KlingFunctions.Storage;

/// <summary>What Freepik counts per account, the slots and the day's creates, is kept per API key: under its hash, so no blob name gives it away.</summary>
internal static class ApiKeyPool
{
    public static string Of(string? apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey ?? string.Empty)))[..16];
}
