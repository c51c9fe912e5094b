using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// The redaction section of the rules, plus hashKeySecretRef, which is the operator's: the key reaches the processor
/// as Processing__HashKey from a Secret, never through the rules ConfigMap.
/// </summary>
[Description("Redaction of secrets and personal data: built-in presets and named custom patterns, replaced by a mask, a keyed hash, or removed.")]
[CelRule("!has(self.hashKeySecretRef) || (has(self.mode) && self.mode == 'hash')", "redaction.hashKeySecretRef is only used when redaction.mode is hash", FieldPath = ".hashKeySecretRef")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RedactionSpec
{
    /// <summary>The presets the processing library knows (services/processing/Redaction).</summary>
    public static readonly IReadOnlyList<string> PresetNames =
        ["email", "credit_card", "ipv4", "ipv6", "phone", "jwt", "bearer_token", "basic_auth", "aws_access_key", "iban"];

    [Description("Built-in detectors: email, credit_card, ipv4, ipv6, phone, jwt, bearer_token, basic_auth, aws_access_key, iban.")]
    [Items(-1, 10)]
    [ItemAllowedValues("email", "credit_card", "ipv4", "ipv6", "phone", "jwt", "bearer_token", "basic_auth", "aws_access_key", "iban")]
    [ListTypeSet]
    public List<string>? Presets { get; set; }

    [Description("Named custom patterns (.NET regular expressions, run without backtracking).")]
    [Items(-1, 200)]
    [ListTypeMap("name")]
    public List<RedactionPatternSpec>? Patterns { get; set; }

    [Description("mask replaces a match by [REDACTED:<kind>]; hash by [HASH:<kind>:<keyed hash>] (the same value always gives the same hash; the key is hashKeySecretRef, or a Secret the operator generates); drop removes the attribute (a match in the message is masked). Default mask.")]
    public RedactionMode? Mode { get; set; }

    [Description("Whether the message is redacted (default true).")]
    public bool? Message { get; set; }

    [Description("Attribute keys whose values are redacted; \"*\" is all of them (the default).")]
    [Items(-1, 256)]
    [ItemLength(1, ProcessingTransformSpec.MaxKeyLength)]
    public List<string>? Attributes { get; set; }

    [Description("When not empty, only these attribute keys are kept (allow-list mode).")]
    [Items(-1, 256)]
    [ItemLength(1, ProcessingTransformSpec.MaxKeyLength)]
    public List<string>? AllowAttributes { get; set; }

    [Description("The key of the hash mode. When omitted in hash mode the operator creates the Secret <metadata.name>-redaction-key (key hash-key, 32 random bytes, base64) once and never rewrites it, so hashes stay comparable across restarts.")]
    public SecretKeySelector? HashKeySecretRef { get; set; }
}

[Description("A named custom redaction pattern.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RedactionPatternSpec
{
    [JsonRequired]
    [Description("Name, shown in the replacement as custom:<name> and in the redaction counters.")]
    [Pattern("^[a-z0-9_]{1,64}$")]
    [Length(1, 64)]
    public string Name { get; set; } = null!;

    [JsonRequired]
    [Description("The regular expression (.NET syntax, run with RegexOptions.NonBacktracking).")]
    [Length(1, 1024)]
    public string Regex { get; set; } = null!;
}

public enum RedactionMode
{
    [JsonStringEnumMemberName("mask")] Mask,
    [JsonStringEnumMemberName("hash")] Hash,
    [JsonStringEnumMemberName("drop")] Drop,
}
