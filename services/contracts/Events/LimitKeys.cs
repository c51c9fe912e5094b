namespace LogDapr.Contracts.Events;

/// <summary>
/// Configuration paths of the limits, quoted in error messages so that whoever hits a limit knows which
/// setting raises it. Built from the property names because ingest binds <see cref="LogEventLimits"/> by name.
/// </summary>
internal static class LimitKeys
{
    // The section ingest binds the limits from (LogDapr.Configuration's IngestOptions.Section, which this assembly
    // cannot reference: the configuration assembly references the contract).
    private const string Prefix = "Ingest:";
    public const string MaxEventsPerBatch = Prefix + nameof(LogEventLimits.MaxEventsPerBatch);
    public const string MaxMessageBytes = Prefix + nameof(LogEventLimits.MaxMessageBytes);
    public const string MaxAttributes = Prefix + nameof(LogEventLimits.MaxAttributes);
    public const string MaxAttributeKeyLength = Prefix + nameof(LogEventLimits.MaxAttributeKeyLength);
    public const string MaxAttributeValueBytes = Prefix + nameof(LogEventLimits.MaxAttributeValueBytes);
    public const string MaxIdLength = Prefix + nameof(LogEventLimits.MaxIdLength);
    public const string MaxTenantIdLength = Prefix + nameof(LogEventLimits.MaxTenantIdLength);
    public const string MaxServiceLength = Prefix + nameof(LogEventLimits.MaxServiceLength);
    public const string MaxHostLength = Prefix + nameof(LogEventLimits.MaxHostLength);
    public const string MaxFutureSkew = Prefix + nameof(LogEventLimits.MaxFutureSkew);
    public const string MaxPastAge = Prefix + nameof(LogEventLimits.MaxPastAge);
}
