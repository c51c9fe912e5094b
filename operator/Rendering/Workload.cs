using k8s.Models;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>What differs between the ingest and the aggregator Deployment; everything else is the same for both.</summary>
internal sealed record Workload
{
    public required string Name { get; init; }

    /// <summary>"ingest" or "aggregator": the container name and the component label.</summary>
    public required string Component { get; init; }

    public required string AppId { get; init; }

    public required int Port { get; init; }

    /// <summary>spec.replicas, or null while an autoscaler owns the replica count (the field is then not applied).</summary>
    public required int? Replicas { get; init; }

    public required string Image { get; init; }

    public required PullPolicy PullPolicy { get; init; }

    public required ResourcesSpec Resources { get; init; }

    public ResourcesSpec? SidecarResources { get; init; }

    /// <summary>Dapr annotations only this workload has (on top of the ones both have).</summary>
    public required Dictionary<string, string> DaprAnnotations { get; init; }

    public required List<V1EnvVar> Env { get; init; }

    public required List<V1Volume> Volumes { get; init; }

    public required List<V1VolumeMount> Mounts { get; init; }

    /// <summary>spec.ingest.tls or spec.aggregator.tls: HTTPS on the workload's port, from a mounted TLS Secret.</summary>
    public ServingTlsSpec? ServingTls { get; init; }

    /// <summary>spec.postgres.tls, for a workload whose daprd (and, with <see cref="AppReadsPostgres"/>, app) connects to Postgres.</summary>
    public PostgresTlsSpec? PostgresTls { get; init; }

    /// <summary>Whether the app container reads the Postgres connection string too (the aggregator roles), not only daprd.</summary>
    public bool AppReadsPostgres { get; init; }

    /// <summary>spec.*.pod: labels, annotations, scheduling and pull secrets passed through to the pod template.</summary>
    public PodSettingsSpec? Pod { get; init; }
}
