using System.Security.Cryptography;
using System.Text;

namespace LogDapr.ServiceDefaults.Auth;

/// <summary>Key material helpers: new keys and their hashes (the only form that is stored).</summary>
public static class ApiKeys
{
    private const string Prefix = "ldk_";

    /// <summary>A new random key (256 bits), for `logdapr-local api-key` and tests.</summary>
    public static string Generate()
        => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(Math.Min(key.Length, 512))];
        var length = Encoding.UTF8.GetBytes(key[..Math.Min(key.Length, 512)], utf8);
        return SHA256.HashData(utf8[..length]);
    }

    /// <summary>The line to put in a tenant's key file for <paramref name="key"/>.</summary>
    public static string FileLine(string key, string? id = null)
        => $"sha256:{Convert.ToHexStringLower(Hash(key))}" + (id is null ? "" : $" id={id}");
}
