using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Service settings.")]
[CelRule("self.port != 4317", "ingest.service.port cannot be 4317: the Service serves OTLP/gRPC on 4317 (port otlp-grpc), as OTLP exporters expect", FieldPath = ".port")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IngestServiceSpec
{
    [Description("Service type.")]
    public ServiceType Type { get; set; } = ServiceType.ClusterIP;

    [Description("Service port clients send to.")]
    [Range(1, 65535)]
    public int Port { get; set; } = 80;

    [Description("Allow type NodePort or LoadBalancer while ingest.auth is disabled. Off by default: a Service reachable from outside the cluster must require API keys, unless something in front of it (a firewall, an internal load balancer) is trusted to keep strangers out.")]
    public bool AllowUnauthenticated { get; set; }
}

public enum ServiceType
{
    [JsonStringEnumMemberName("ClusterIP")] ClusterIP,
    [JsonStringEnumMemberName("NodePort")] NodePort,
    [JsonStringEnumMemberName("LoadBalancer")] LoadBalancer,
}
