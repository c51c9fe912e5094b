namespace LogDapr.Processing.Rules;

/// <summary>The <c>limits</c> section; a null limit is not applied.</summary>
public sealed record LimitsRules(int? MaxAttributeValueBytes)
{
    public const int MinAttributeValueBytes = 16;
    public const int MaxAttributeValueBytesBound = 1024 * 1024;

    public static LimitsRules None { get; } = new((int?)null);
}
