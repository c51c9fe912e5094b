namespace LogDapr.Contracts.Events;

/// <summary>
/// The six normalized severities. Every accepted spelling (keywords in any case, syslog keywords,
/// OTel SeverityNumber 1-24, <c>syslog:N</c>) maps to exactly one of these.
/// </summary>
public enum Severity : byte
{
    Trace = 1,
    Debug = 2,
    Info = 3,
    Warn = 4,
    Error = 5,
    Fatal = 6,
}
