using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// One transform: exactly one action, counted in CEL (has() of each action, summed), so a typo that adds a second
/// action is refused at apply instead of one of them being ignored.
/// </summary>
[Description("One transform: exactly one of rename, copy, remove, set, drop and sample, and an optional condition.")]
[CelRule(ExactlyOneActionRule, "each transform has exactly one action: rename, copy, remove, set, drop or sample")]
[CelRule("!has(self.drop) || self.drop", "drop must be true (to keep the events, leave the transform out)", FieldPath = ".drop")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ProcessingTransformSpec
{
    public const string ExactlyOneActionRule =
        "(has(self.rename) ? 1 : 0) + (has(self.copy) ? 1 : 0) + (has(self.remove) ? 1 : 0) + (has(self.set) ? 1 : 0) + (has(self.drop) ? 1 : 0) + (has(self.sample) ? 1 : 0) == 1";

    /// <summary>Longest attribute key a transform names.</summary>
    public const int MaxKeyLength = 256;

    [Description("Condition in the processing expression language (e.g. 'severity <= debug and service startswith \"health\"'); the transform applies to every event when omitted.")]
    [Length(1, 4096)]
    public string? When { get; set; }

    [Description("Move attribute from to attribute to.")]
    public ProcessingFieldMoveSpec? Rename { get; set; }

    [Description("Copy attribute from to attribute to.")]
    public ProcessingFieldMoveSpec? Copy { get; set; }

    [Description("Attribute keys to remove.")]
    [Items(1, 256)]
    [ItemLength(1, MaxKeyLength)]
    public List<string>? Remove { get; set; }

    [Description("Set an attribute to a value.")]
    public ProcessingSetSpec? Set { get; set; }

    [Description("Drop the event (must be true).")]
    public bool? Drop { get; set; }

    [Description("Keep a share of the events, decided by a hash of the event id (the same event is always kept or always dropped).")]
    public ProcessingSampleSpec? Sample { get; set; }
}

[Description("Source and destination attribute keys.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ProcessingFieldMoveSpec
{
    [JsonRequired]
    [Description("Source attribute key.")]
    [Length(1, ProcessingTransformSpec.MaxKeyLength)]
    public string From { get; set; } = null!;

    [JsonRequired]
    [Description("Destination attribute key.")]
    [Length(1, ProcessingTransformSpec.MaxKeyLength)]
    public string To { get; set; } = null!;
}

[Description("An attribute key and the value to set.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ProcessingSetSpec
{
    [JsonRequired]
    [Description("Attribute key.")]
    [Length(1, ProcessingTransformSpec.MaxKeyLength)]
    public string Key { get; set; } = null!;

    [JsonRequired]
    [Description("Value.")]
    [Length(0, 4096)]
    public string Value { get; set; } = null!;
}

[Description("The share of events to keep.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ProcessingSampleSpec
{
    [JsonRequired]
    [Description("Share kept, from 0 (none) to 1 (all).")]
    [NumberRange(0, 1)]
    public double Rate { get; set; }
}
