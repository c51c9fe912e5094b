using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>
/// What a search or a tail matches, validated. Tenant is null until the caller's key has decided it
/// (<see cref="LogSearchAccess"/>); every other member is null when not asked for.
/// </summary>
public sealed record LogFilter(
    string? Tenant,
    string? Service,
    Severity? Severity,
    Severity? MinSeverity,
    string? Host,
    string? Text,
    string? TraceId,
    IReadOnlyList<KeyValuePair<string, string>> Attributes)
{
    /// <summary>
    /// One string for everything the filter matches, the same for the same filter however it was written
    /// (attributes in key order): what a cursor's query hash covers.
    /// </summary>
    public string Normalized() => string.Join('\u001f',
        Tenant, Service, Severity is { } s ? ((int)s).ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        MinSeverity is { } m ? ((int)m).ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
        Host, Text, TraceId, string.Join('\u001e', Attributes.Select(a => a.Key + "\u001d" + a.Value)));
}
