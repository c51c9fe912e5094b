namespace LogDapr.Contracts.Events;

/// <summary>What an accepted event is counted by: the fields of a count row's key, as the full event would have them.</summary>
/// <param name="Timestamp">The event's time in UTC (the receive time when it names none).</param>
public readonly record struct CountedEvent(string TenantId, string Service, Severity Severity, DateTimeOffset Timestamp);
