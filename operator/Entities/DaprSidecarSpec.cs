using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Dapr sidecar settings shared by ingest and aggregator.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class DaprSidecarSpec
{
    [Description("Name of a Dapr Configuration in the namespace (dapr.io/config), e.g. for tracing.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [Length(1, 253)]
    public string? Config { get; set; }

    [Description("Sidecar log level.")]
    public DaprLogLevel LogLevel { get; set; } = DaprLogLevel.Info;
}

public enum DaprLogLevel
{
    [JsonStringEnumMemberName("debug")] Debug,
    [JsonStringEnumMemberName("info")] Info,
    [JsonStringEnumMemberName("warn")] Warn,
    [JsonStringEnumMemberName("error")] Error,
}
