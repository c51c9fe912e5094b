namespace LogDapr.Contracts.CloudEvents;

/// <summary>
/// The attribute names of a CloudEvent (JSON format, CloudEvents 1.0) that the pipeline reads or writes, with the
/// extensions Dapr adds. One list for the producer (ingest), the consumer (aggregator) and the development sidecar.
/// </summary>
public static class CloudEventAttributes
{
    public const string SpecVersion = "specversion";
    public const string Id = "id";
    public const string Source = "source";
    public const string Type = "type";
    public const string Time = "time";
    public const string Subject = "subject";
    public const string DataContentType = "datacontenttype";
    public const string DataSchema = "dataschema";
    public const string Data = "data";
    public const string DataBase64 = "data_base64";

    /// <summary>The only CloudEvents version there is.</summary>
    public const string SpecVersion1 = "1.0";

    /// <summary>Dapr's routing extensions: the topic and pub/sub component a delivery came through.</summary>
    public const string Topic = "topic";
    public const string PubSubName = "pubsubname";

    /// <summary>Dapr's message TTL extension (<c>ttlInSeconds</c> on publish becomes this absolute time).</summary>
    public const string Expiration = "expiration";

    /// <summary>
    /// The CloudEvents distributed-tracing extension as Dapr uses it: <c>traceparent</c> and <c>tracestate</c> hold the
    /// W3C trace context of the publish; Dapr also writes <c>traceid</c> with the traceparent value, and keeps an
    /// event's own context when <c>traceid</c> is already present, so producers set both.
    /// </summary>
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string TraceId = "traceid";

    /// <summary>LogDapr's extension on processed messages: the version of the rule set that produced them.</summary>
    public const string RulesVersion = "logdaprrules";
}
