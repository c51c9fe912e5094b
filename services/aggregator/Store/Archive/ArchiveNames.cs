using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LogDapr.Aggregator.Store.Archive;

/// <summary>
/// The object names of one tenant-day: <c>{prefix}/{tenant}/{yyyy-MM-dd}/manifest.json</c> and
/// <c>…/events-0001.ndjson.gz</c>, <c>events-0002…</c>. Deterministic, so an archive re-run after a crash overwrites the
/// same objects. A tenant id that is not a plain path segment (letters, digits, '.', '_', '-', at most 128, not
/// starting with '.') is named by the SHA-256 of its UTF-8 bytes instead; the manifest holds the real id. Pure.
/// </summary>
public static partial class ArchiveNames
{
    public static string Folder(string prefix, string tenant, DateOnly day)
        => $"{prefix}/{TenantSegment(tenant)}/{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    public static string Manifest(string prefix, string tenant, DateOnly day) => Folder(prefix, tenant, day) + "/manifest.json";

    /// <param name="number">1-based.</param>
    public static string Part(string prefix, string tenant, DateOnly day, int number)
        => Folder(prefix, tenant, day) + "/events-" + number.ToString("D4", CultureInfo.InvariantCulture) + ".ndjson.gz";

    public static string TenantSegment(string tenant)
        => PlainSegment().IsMatch(tenant) ? tenant : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(tenant)));

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex PlainSegment();
}
