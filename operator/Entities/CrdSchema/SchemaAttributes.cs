namespace LogDapr.Operator.Entities.CrdSchema;

// The CRD's OpenAPI schema is generated from the entity types (see CrdGenerator). These attributes carry the
// validation that has no C# equivalent. Descriptions use System.ComponentModel.DescriptionAttribute; required
// properties use System.Text.Json's JsonRequiredAttribute so that parsing and the schema agree; defaults are the
// property initializers, read from a freshly constructed instance, so a default is written exactly once.

/// <summary>Inclusive numeric bounds.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RangeAttribute(long minimum, long maximum) : Attribute
{
    public long Minimum { get; } = minimum;
    public long Maximum { get; } = maximum;
}

/// <summary>ECMA-262 regular expression the string must match (the API server uses Go's RE2 dialect: keep to the common subset).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>String length bounds (inclusive). Use -1 for "no bound".</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class LengthAttribute(int minLength, int maxLength) : Attribute
{
    public int MinLength { get; } = minLength;
    public int MaxLength { get; } = maxLength;
}

/// <summary>Array length bounds (inclusive). Use -1 for "no bound".</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAttribute(int minItems, int maxItems) : Attribute
{
    public int MinItems { get; } = minItems;
    public int MaxItems { get; } = maxItems;
}

/// <summary>Pattern that every item of a string array must match.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemPatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}

/// <summary>
/// A CEL rule (x-kubernetes-validations) on the object the attribute is placed on; <c>self</c> is that object.
/// Used for rules that relate fields to each other, which plain OpenAPI cannot express.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;
    public string Message { get; } = message;
    /// <summary>Optional JSON path (relative to self) that the error is reported on, e.g. ".kafka".</summary>
    public string? FieldPath { get; init; }
}

/// <summary>Map values are Kubernetes quantities (int-or-string), as in a container's resources.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class QuantityMapAttribute : Attribute;

/// <summary>The property has no default in the schema even though its C# initializer is non-null.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NoSchemaDefaultAttribute : Attribute;

/// <summary>
/// The list is a set (x-kubernetes-list-type: set): the API server rejects duplicate items, and server-side apply
/// merges it item by item.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListTypeSetAttribute : Attribute;

/// <summary>The string is one of these values (an OpenAPI enum on a plain string property).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class AllowedValuesAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>OpenAPI format the API server checks, e.g. "date-time" (RFC 3339).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class FormatAttribute(string format) : Attribute
{
    public string Format { get; } = format;
}

/// <summary>Inclusive lower bound of an integer, with no upper bound.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinimumAttribute(long minimum) : Attribute
{
    public long Minimum { get; } = minimum;
}

/// <summary>
/// The list is a map keyed by these fields (x-kubernetes-list-type: map): the API server rejects two items with the
/// same key, and server-side apply merges item by item. The key fields must be required.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListTypeMapAttribute(params string[] keys) : Attribute
{
    public IReadOnlyList<string> Keys { get; } = keys;
}

/// <summary>Inclusive bounds of a floating-point number (an OpenAPI "number").</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NumberRangeAttribute(double minimum, double maximum) : Attribute
{
    public double Minimum { get; } = minimum;
    public double Maximum { get; } = maximum;
}

/// <summary>Every item of a string array is one of these values (an OpenAPI enum on the items).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemAllowedValuesAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>Length bounds (inclusive) of every item of a string array.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemLengthAttribute(int minLength, int maxLength) : Attribute
{
    public int MinLength { get; } = minLength;
    public int MaxLength { get; } = maxLength;
}
