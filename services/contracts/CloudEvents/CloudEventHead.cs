namespace LogDapr.Contracts.CloudEvents;

/// <summary>
/// The attributes of a CloudEvent the pipeline publishes, everything but its data. The optional ones are written
/// only when set.
/// </summary>
public sealed record CloudEventHead(string Id, string Source, string Type, DateTimeOffset Time, string DataContentType)
{
    public string? DataSchema { get; init; }

    /// <summary>W3C trace context of the publish (see <see cref="CloudEventAttributes.TraceParent"/>).</summary>
    public string? TraceParent { get; init; }

    /// <summary>Dapr's copy of the traceparent; a producer that sets it keeps its own context through Dapr.</summary>
    public string? TraceId { get; init; }

    public string? TraceState { get; init; }

    /// <summary>The processing rules' version on a processed message (<see cref="CloudEventAttributes.RulesVersion"/>).</summary>
    public string? RulesVersion { get; init; }
}
