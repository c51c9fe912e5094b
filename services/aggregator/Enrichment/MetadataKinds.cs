using LogDapr.Processing.Enrichment;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>The kinds as they appear in URLs, the table's <c>kind</c> column and state store keys.</summary>
public static class MetadataKinds
{
    public const string Host = "host";
    public const string Service = "service";

    public static string Text(MetadataKind kind) => kind switch
    {
        MetadataKind.Host => Host,
        MetadataKind.Service => Service,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown metadata kind"),
    };

    /// <summary>Exactly "host" or "service" (lower case, as stored); anything else is not a kind.</summary>
    public static bool TryParse(string? text, out MetadataKind kind)
    {
        switch (text)
        {
            case Host:
                kind = MetadataKind.Host;
                return true;
            case Service:
                kind = MetadataKind.Service;
                return true;
            default:
                kind = default;
                return false;
        }
    }
}
