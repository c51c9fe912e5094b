namespace LogDapr.Processing.Rules;

/// <summary>How a redacted value is replaced.</summary>
public enum RedactionMode
{
    /// <summary><c>[REDACTED:kind]</c>.</summary>
    Mask,
    /// <summary><c>[HASH:kind:hex]</c>, an HMAC of the value, so equal values still correlate.</summary>
    Hash,
    /// <summary>An attribute holding the value is removed; in the message the value is masked.</summary>
    Drop,
}

/// <summary>A user pattern: its name becomes the kind <c>custom:name</c>.</summary>
public sealed record CustomPattern(string Name, string Regex);

/// <summary>The <c>redaction</c> section of a rule set, as parsed (validated by <c>RedactionSetup.Validate</c>).</summary>
public sealed record RedactionRules
{
    public IReadOnlyList<string> Presets { get; init; } = [];

    public IReadOnlyList<CustomPattern> Patterns { get; init; } = [];

    public RedactionMode Mode { get; init; } = RedactionMode.Mask;

    public bool Message { get; init; } = true;

    /// <summary>Attribute keys whose values are redacted; <c>"*"</c> means all.</summary>
    public IReadOnlyList<string> Attributes { get; init; } = ["*"];

    /// <summary>Non-empty: allow-list mode, only these attribute keys survive.</summary>
    public IReadOnlyList<string> AllowAttributes { get; init; } = [];
}
