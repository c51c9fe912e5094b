using k8s.Models;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The TLS files the pods read, as projected Secret volumes mounted as directories (never subPath: the kubelet swaps
/// a mounted directory's files in place when the Secret changes, a subPath mount never sees the change). They are
/// left out of the secrets checksum on purpose for the serving certificate, which the services reload, and for the
/// rate-limit Redis files, which ingest reads at each new connection; see
/// <see cref="Secrets.PodSecretReferences"/> for the Postgres files, which daprd reads once.
/// </summary>
internal static class TlsFiles
{
    /// <summary>The serving certificate directory in the ingest and aggregator containers.</summary>
    public const string ServingVolume = "tls";
    public const string ServingDirectory = "/etc/logdapr/tls";
    public const string CertificateFile = "tls.crt";
    public const string KeyFile = "tls.key";
    public const string ClientCaFile = "client-ca.crt";

    /// <summary>
    /// The Postgres CA (and client certificate) directory: the same path in the app container and in daprd, so one
    /// connection string names the files for both. Under /mnt, where Dapr asks sidecar mounts to go
    /// (https://docs.dapr.io/operations/hosting/kubernetes/kubernetes-volume-mounts/).
    /// </summary>
    public const string PostgresVolume = "postgres-tls";
    public const string PostgresDirectory = "/mnt/logdapr/postgres-tls";
    public const string PostgresCaFile = "ca.crt";
    public const string PostgresClientCertFile = "client.crt";
    public const string PostgresClientKeyFile = "client.key";

    /// <summary>
    /// The rate-limit Redis CA (and client certificate) directory, in the ingest container only: ingest connects to
    /// that Redis itself, and reads the files at each new connection (no pod roll on rotation).
    /// </summary>
    public const string RedisVolume = "redis-tls";
    public const string RedisDirectory = "/etc/logdapr/redis-tls";
    public const string RedisCaFile = "ca.crt";
    public const string RedisClientCertFile = "tls.crt";
    public const string RedisClientKeyFile = "tls.key";

    /// <summary>The NATS client certificate and key, for daprd only (the JetStream component reads them as files).</summary>
    public const string JetStreamVolume = "jetstream-tls";
    public const string JetStreamDirectory = "/mnt/logdapr/jetstream-tls";

    /// <summary>dapr/dapr v1.16.0 pkg/injector/annotations/annotations.go KeyVolumeMountsReadOnly: "volume:path,...", mounted read-only into daprd.</summary>
    public const string DaprVolumeMountsAnnotation = "dapr.io/volume-mounts";

    /// <summary>0440: readable by the owner and the pod's fsGroup, which the kubelet also gives daprd (UID 65532).</summary>
    private const int FileMode = 0b100_100_000;

    public static string JetStreamClientCertPath => JetStreamDirectory + "/tls.crt";

    public static string JetStreamClientKeyPath => JetStreamDirectory + "/tls.key";

    /// <summary>The volumes daprd reads as files and are read once (so they roll the pods, <see cref="Secrets.PodSecretReferences"/>).</summary>
    public static IReadOnlySet<string> ReadOnceVolumes { get; } = new HashSet<string>(StringComparer.Ordinal) { PostgresVolume, JetStreamVolume };

    /// <summary>The JetStream client certificate volume, when spec.pubsub.jetstream names one.</summary>
    public static V1Volume? JetStreamVolumeFor(JetStreamPubSubSpec? jetstream) =>
        jetstream is { TlsClientCertSecretKeyRef: { } cert, TlsClientKeySecretKeyRef: { } key }
            ? new V1Volume
            {
                Name = JetStreamVolume,
                Projected = new V1ProjectedVolumeSource
                {
                    DefaultMode = FileMode,
                    Sources = [Project(cert.Name, (cert.Key, "tls.crt")), Project(key.Name, (key.Key, "tls.key"))],
                },
            }
            : null;

    public static string PostgresCaPath => PostgresDirectory + "/" + PostgresCaFile;

    public static string PostgresClientCertPath => PostgresDirectory + "/" + PostgresClientCertFile;

    public static string PostgresClientKeyPath => PostgresDirectory + "/" + PostgresClientKeyFile;

    /// <summary>
    /// The PEM files the spec makes the pods read, with the key that goes with each certificate chain, for the
    /// controller's content check (<see cref="Secrets.PemCheck"/>). Pure: it follows from the spec alone.
    /// </summary>
    public static IReadOnlyList<CertificateReference> Certificates(LogPipelineSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var result = new List<CertificateReference>();
        foreach (var (tls, field) in new[] { (spec.Ingest.Tls, "spec.ingest.tls"), (spec.Aggregator.Tls, "spec.aggregator.tls") })
        {
            if (tls is null)
            {
                continue;
            }
            result.Add(new CertificateReference(
                new SecretReference(tls.SecretName, CertificateFile, field + ".secretName"),
                new SecretReference(tls.SecretName, KeyFile, field + ".secretName"),
                CertificateUse.Chain));
            if (tls.ClientCertificates != ClientCertificateMode.None && tls.ClientCaSecretKeyRef is { } ca)
            {
                result.Add(new CertificateReference(new SecretReference(ca.Name, ca.Key, field + ".clientCaSecretKeyRef"), null, CertificateUse.CaBundle));
            }
        }
        if (spec.Ingest.RateLimit?.Tls is { } redis)
        {
            result.Add(new CertificateReference(new SecretReference(redis.CaSecretKeyRef.Name, redis.CaSecretKeyRef.Key, "spec.ingest.rateLimit.tls.caSecretKeyRef"), null, CertificateUse.CaBundle));
            if (redis.ClientCertSecretKeyRef is { } cert && redis.ClientKeySecretKeyRef is { } key)
            {
                result.Add(new CertificateReference(
                    new SecretReference(cert.Name, cert.Key, "spec.ingest.rateLimit.tls.clientCertSecretKeyRef"),
                    new SecretReference(key.Name, key.Key, "spec.ingest.rateLimit.tls.clientKeySecretKeyRef"),
                    CertificateUse.Chain));
            }
        }
        if (spec.Postgres.Tls is { } postgres)
        {
            result.Add(new CertificateReference(new SecretReference(postgres.CaSecretKeyRef.Name, postgres.CaSecretKeyRef.Key, "spec.postgres.tls.caSecretKeyRef"), null, CertificateUse.CaBundle));
            if (postgres.ClientCertSecretKeyRef is { } cert && postgres.ClientKeySecretKeyRef is { } key)
            {
                result.Add(new CertificateReference(
                    new SecretReference(cert.Name, cert.Key, "spec.postgres.tls.clientCertSecretKeyRef"),
                    new SecretReference(key.Name, key.Key, "spec.postgres.tls.clientKeySecretKeyRef"),
                    CertificateUse.Chain));
            }
        }
        return result;
    }

    public static V1Volume ServingVolumeFor(ServingTlsSpec tls)
    {
        var sources = new List<V1VolumeProjection>
        {
            Project(tls.SecretName, (CertificateFile, CertificateFile), (KeyFile, KeyFile)),
        };
        if (tls.ClientCertificates != ClientCertificateMode.None && tls.ClientCaSecretKeyRef is { } ca)
        {
            sources.Add(Project(ca.Name, (ca.Key, ClientCaFile)));
        }
        return new V1Volume { Name = ServingVolume, Projected = new V1ProjectedVolumeSource { DefaultMode = FileMode, Sources = sources } };
    }

    public static V1VolumeMount ServingMount() => new() { Name = ServingVolume, MountPath = ServingDirectory, ReadOnlyProperty = true };

    public static V1Volume PostgresVolumeFor(PostgresTlsSpec tls) => CaAndClientVolume(
        PostgresVolume, tls.CaSecretKeyRef, tls.ClientCertSecretKeyRef, tls.ClientKeySecretKeyRef, PostgresCaFile, PostgresClientCertFile, PostgresClientKeyFile);

    public static string RedisCaPath => RedisDirectory + "/" + RedisCaFile;

    public static string RedisClientCertPath => RedisDirectory + "/" + RedisClientCertFile;

    public static string RedisClientKeyPath => RedisDirectory + "/" + RedisClientKeyFile;

    public static V1Volume RedisVolumeFor(RedisTlsSpec tls) => CaAndClientVolume(
        RedisVolume, tls.CaSecretKeyRef, tls.ClientCertSecretKeyRef, tls.ClientKeySecretKeyRef, RedisCaFile, RedisClientCertFile, RedisClientKeyFile);

    /// <summary>A CA and, when both are given, a client certificate and key, projected into one directory.</summary>
    private static V1Volume CaAndClientVolume(
        string volume, SecretKeySelector ca, SecretKeySelector? cert, SecretKeySelector? key, string caFile, string certFile, string keyFile)
    {
        var sources = new List<V1VolumeProjection> { Project(ca.Name, (ca.Key, caFile)) };
        if (cert is not null && key is not null)
        {
            sources.Add(Project(cert.Name, (cert.Key, certFile)));
            sources.Add(Project(key.Name, (key.Key, keyFile)));
        }
        return new V1Volume { Name = volume, Projected = new V1ProjectedVolumeSource { DefaultMode = FileMode, Sources = sources } };
    }

    public static V1VolumeMount RedisMount() => new() { Name = RedisVolume, MountPath = RedisDirectory, ReadOnlyProperty = true };

    public static V1VolumeMount PostgresMount() => new() { Name = PostgresVolume, MountPath = PostgresDirectory, ReadOnlyProperty = true };

    private static V1VolumeProjection Project(string secretName, params (string Key, string Path)[] items) => new()
    {
        Secret = new V1SecretProjection
        {
            Name = secretName,
            Items = [.. items.Select(i => new V1KeyToPath { Key = i.Key, Path = i.Path })],
        },
    };
}

/// <summary>What a PEM Secret key must hold.</summary>
public enum CertificateUse
{
    /// <summary>A certificate chain, leaf first, whose private key is in <see cref="CertificateReference.Key"/>.</summary>
    Chain,

    /// <summary>One or more CA certificates.</summary>
    CaBundle,
}

/// <summary>A Secret key holding PEM certificates, and for a chain the Secret key of its private key.</summary>
public sealed record CertificateReference(SecretReference Certificates, SecretReference? Key, CertificateUse Use);
