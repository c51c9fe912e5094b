namespace LogDapr.Processing.Rules;

/// <summary>
/// The <c>mapping</c> section: extra source names per canonical field (tried after the built-in defaults of the
/// contract reader) and the separator nested objects are flattened with.
/// </summary>
public sealed class MappingRules
{
    public const string DefaultSeparator = ".";

    /// <summary>The canonical fields an alias can map to.</summary>
    public static IReadOnlyList<string> CanonicalFields { get; } =
        ["id", "tenant_id", "timestamp", "severity", "service", "message", "host", "trace_id", "span_id"];

    public static MappingRules Default { get; } = new(new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal), DefaultSeparator);

    internal MappingRules(IReadOnlyDictionary<string, IReadOnlyList<string>> fields, string separator)
    {
        Fields = fields;
        Separator = separator;
    }

    /// <summary>Canonical field name -> extra source names, in the order they are tried.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Fields { get; }

    public string Separator { get; }
}
