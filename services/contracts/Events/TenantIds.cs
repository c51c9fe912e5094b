using System.Buffers;

namespace LogDapr.Contracts.Events;

/// <summary>The rule for tenant ids, for values that do not come through the reader (a configured default tenant).</summary>
public static class TenantIds
{
    private static readonly SearchValues<char> Tail =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>What is wrong with <paramref name="value"/> as a tenant id, or null when it is valid.</summary>
    public static string? Problem(string? value, int maxLength = 64)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "a tenant id must not be empty";
        }
        if (value.Length > maxLength)
        {
            return $"a tenant id is at most {maxLength} characters, got {value.Length}";
        }
        if (!char.IsAsciiLetterOrDigit(value[0]) || value.AsSpan(1).ContainsAnyExcept(Tail))
        {
            return "a tenant id must match [A-Za-z0-9][A-Za-z0-9._-]* (a letter or digit, then letters, digits, '.', '_' or '-')";
        }
        return null;
    }
}
