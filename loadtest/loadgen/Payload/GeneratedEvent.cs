namespace LogDapr.LoadGen.Payload;

/// <summary>
/// One event of a template, in fields, so baselines (COPY, syslog) can send the very same events in their own form.
/// <see cref="Json"/> holds a placeholder timestamp of <see cref="RequestTemplate.TimestampLength"/> bytes.
/// </summary>
public sealed record GeneratedEvent(
    string TenantId,
    string Service,
    string Severity,
    string Host,
    string Message,
    string Json,
    bool Valid);
