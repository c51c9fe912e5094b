using LogDapr.Aggregator.Database;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// Bounds of one metadata row, checked by the API before anything is written. They keep a row small enough that
/// thousands of them fit one lookup's answer and one state store bulk get, and every enriched event stays bounded.
/// </summary>
public static class MetadataLimits
{
    public const int MaxNameLength = 255;
    public const int MaxAttributes = 32;
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 256;

    /// <summary>A PUT body holds at most 32 × (64 + 256) characters plus JSON syntax: 64 KiB is plenty.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Names are looked up exactly as events carry them; an empty or oversized one cannot exist.</summary>
    public static bool IsValidName(string? name)
        => !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength && StoredText.IsStorable(name);

    /// <returns>Problems by field, empty when the attributes may be stored.</returns>
    public static Dictionary<string, string[]> Validate(IReadOnlyDictionary<string, string> attributes)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (attributes.Count > MaxAttributes)
        {
            errors["attributes"] = [$"at most {MaxAttributes} attributes, got {attributes.Count}"];
            return errors;
        }

        foreach (var (key, value) in attributes)
        {
            if (key.Length is 0 or > MaxKeyLength || !StoredText.IsStorable(key))
            {
                errors[$"attributes[\"{Shorten(key)}\"]"] = [$"an attribute key must be 1 to {MaxKeyLength} characters without NUL or broken surrogates"];
            }
            else if (value.Length > MaxValueLength || !StoredText.IsStorable(value))
            {
                errors[$"attributes.{key}"] = [$"an attribute value must be at most {MaxValueLength} characters without NUL or broken surrogates"];
            }
        }

        return errors;
    }

    private static string Shorten(string key) => key.Length <= MaxKeyLength ? key : key[..MaxKeyLength] + "…";
}
