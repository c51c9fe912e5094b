namespace LogDapr.Processing.Rules;

/// <summary>
/// A validated rule set (only <see cref="RulesParser"/> makes one). Stages run in a fixed order: mapping (in the
/// reader) -> enrichment -> transforms -> redaction -> allow-list -> limits.
/// </summary>
public sealed class ProcessingRules
{
    internal ProcessingRules(
        MappingRules mapping,
        EnrichmentRules enrichment,
        IReadOnlyList<TransformRule> transforms,
        RedactionRules? redaction,
        LimitsRules limits)
    {
        Mapping = mapping;
        Enrichment = enrichment;
        Transforms = transforms;
        Redaction = redaction;
        Limits = limits;
        Version = RulesVersion.Compute(this);
    }

    /// <summary>
    /// First 16 hex digits of the SHA-256 of the canonical form: documents that differ only in layout, key order,
    /// comments, spelled-out defaults or expression spacing have the same version.
    /// </summary>
    public string Version { get; }

    public MappingRules Mapping { get; }

    public EnrichmentRules Enrichment { get; }

    public IReadOnlyList<TransformRule> Transforms { get; }

    /// <summary>Null when the document has no <c>redaction</c> section (nothing is redacted).</summary>
    public RedactionRules? Redaction { get; }

    public LimitsRules Limits { get; }
}
