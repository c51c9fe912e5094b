using System.Globalization;
using k8s.Models;
using LogDapr.Configuration;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Auth;
using LogDapr.Configuration.Ingest;
using LogDapr.Configuration.Pipeline;
using LogDapr.Configuration.Tls;
using LogDapr.Contracts.Events;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The environment of the ingest and aggregator containers: the settings of the services' own options types, named
/// by section and property (so the compiler checks every name) with ':' turned into "__", which is how ASP.NET Core
/// configuration reads nested keys from environment variables.
/// </summary>
internal static class ServiceEnvironment
{
    public static List<V1EnvVar> Ingest(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
    {
        var spec = pipeline.Spec;
        var limits = spec.Ingest.Limits;
        var env = new List<V1EnvVar>
        {
            Value(ConfigKeys.Urls, Urls(PipelineDefaults.IngestPort, spec.Ingest.Tls)),
            Value(Key(PipelineOptions.Section, nameof(PipelineOptions.PubSubName)), names.PubSubComponent),
            Value(Key(PipelineOptions.Section, nameof(PipelineOptions.Topic)), spec.PubSub.Topic),
            Value(Key(PipelineOptions.Section, nameof(PipelineOptions.AuditTopic)), PipelineTopics.Audit(spec)),
            Value(Key(PipelineOptions.Section, nameof(PipelineOptions.StateStoreName)), names.StateStoreComponent),
            Value(Key(IngestOptions.Section, nameof(IngestOptions.MaxBodyBytes)), limits.MaxBodyBytes),
            Value(Key(IngestOptions.Section, nameof(LogEventLimits.MaxEventsPerBatch)), limits.MaxEventsPerBatch),
            Value(Key(IngestOptions.Section, nameof(LogEventLimits.MaxMessageBytes)), limits.MaxMessageBytes),
            Value(Key(IngestOptions.Section, nameof(LogEventLimits.MaxAttributes)), limits.MaxAttributes),
            Value(Key(IngestOptions.Section, nameof(IngestOptions.PublishTimeout)), TimeSpan.FromMilliseconds(limits.PublishTimeoutMilliseconds)),
            Value(Key(IdempotencyOptions.Section, nameof(IdempotencyOptions.IdempotencyKeyTtl)), TimeSpan.FromSeconds(spec.StateStore.TtlSeconds)),
        };

        env.AddRange(Auth(pipeline, secrets));
        env.AddRange(ServingTls(spec.Ingest.Tls, "spec.ingest.tls", secrets));

        if (ProcessingRules.IngestMappingJson(spec) is not null)
        {
            // The pipeline's own aliases apply at the door too: ingest reads the mapping section of the processor's rules.
            env.Add(Value(ConfigKeys.IngestFieldMappingFile, ProcessingRules.FilePath));
        }

        if (spec.Ingest.RateLimit is { } rateLimit)
        {
            env.Add(Value(Key(RateLimitOptions.Section, nameof(RateLimitOptions.Enabled)), "true"));
            env.Add(Value(Key(RateLimitOptions.Section, nameof(RateLimitOptions.EventsPerSecond)), rateLimit.EventsPerSecond));
            env.Add(Value(Key(RateLimitOptions.Section, nameof(RateLimitOptions.Burst)), rateLimit.Burst ?? rateLimit.EventsPerSecond));
            env.Add(Value(Key(RateLimitOptions.Section, nameof(RateLimitOptions.LocalFallbackShare)), (rateLimit.LocalFallbackSharePercent / 100m).ToString("0.##", CultureInfo.InvariantCulture)));
            if (rateLimit.RedisConnectionStringSecretKeyRef is { } redis)
            {
                env.Add(Secret(Key(RateLimitOptions.Section, nameof(RateLimitOptions.RedisConnectionString)), redis));
                secrets.Add(new SecretReference(redis.Name, redis.Key, "spec.ingest.rateLimit.redisConnectionStringSecretKeyRef"));
                if (rateLimit.Tls is { } tls)
                {
                    env.AddRange(RedisTls(tls, secrets));
                }
            }
        }
        return env;
    }

    /// <param name="topic">The topic this role reads: the processed topic for the counter and the store while processing is on, the raw one for the processor.</param>
    public static List<V1EnvVar> Aggregator(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets, string topic)
    {
        var spec = pipeline.Spec;
        var connection = spec.Postgres.ConnectionStringSecretKeyRef;
        secrets.Add(new SecretReference(connection.Name, connection.Key, "spec.postgres.connectionStringSecretKeyRef"));
        var appToken = new SecretKeySelector { Name = AppToken.SecretName(pipeline, names), Key = AppToken.SecretKey };
        if (!AppToken.IsGenerated(pipeline))
        {
            // A generated token Secret is created by the controller, so only a named one is a precondition.
            secrets.Add(new SecretReference(appToken.Name, appToken.Key, "spec.aggregator.appTokenSecretName"));
        }
        if (spec.Postgres.Tls is { } postgresTls)
        {
            secrets.Add(new SecretReference(postgresTls.CaSecretKeyRef.Name, postgresTls.CaSecretKeyRef.Key, "spec.postgres.tls.caSecretKeyRef"));
            if (postgresTls.ClientCertSecretKeyRef is { } cert && postgresTls.ClientKeySecretKeyRef is { } key)
            {
                secrets.Add(new SecretReference(cert.Name, cert.Key, "spec.postgres.tls.clientCertSecretKeyRef"));
                secrets.Add(new SecretReference(key.Name, key.Key, "spec.postgres.tls.clientKeySecretKeyRef"));
            }
        }
        return
        [
            .. Auth(pipeline, secrets),
            .. ServingTls(spec.Aggregator.Tls, "spec.aggregator.tls", secrets),
            Value(ConfigKeys.Urls, Urls(PipelineDefaults.AggregatorPort, spec.Aggregator.Tls)),
            Value(Key(PipelineOptions.Section, nameof(PipelineOptions.PubSubName)), names.PubSubComponent),
            Value(Key(PipelineOptions.Section, nameof(PipelineOptions.Topic)), topic),
            Value(Key(PipelineOptions.Section, nameof(PipelineOptions.DeadLetterTopic)), spec.DeadLetter.Topic),
            Value(Key(PipelineOptions.Section, nameof(PipelineOptions.AuditTopic)), PipelineTopics.Audit(spec)),
            // Reading the processed topic, a replayed dead letter still goes to the raw topic, to be processed again.
            .. topic == spec.PubSub.Topic ? Array.Empty<V1EnvVar>() : [Value(Key(PipelineOptions.Section, nameof(PipelineOptions.ReplayTopic)), spec.PubSub.Topic)],
            Value(Key(PipelineOptions.Section, nameof(PipelineOptions.BindingName)), names.PostgresBindingComponent),
            Value(Key(AggregatorOptions.Section, nameof(AggregatorOptions.BucketWidth)), TimeSpan.FromSeconds(spec.Aggregator.BucketWidthSeconds)),
            Value(Key(AggregatorOptions.Section, nameof(AggregatorOptions.BulkMaxMessages)), spec.Aggregator.BulkSubscribe.MaxMessagesCount),
            Value(Key(AggregatorOptions.Section, nameof(AggregatorOptions.BulkMaxAwaitMilliseconds)), spec.Aggregator.BulkSubscribe.MaxAwaitDurationMs),
            // The operator renders the Subscription resources; the aggregator must not subscribe on its own too.
            Value(Key(AggregatorOptions.Section, nameof(AggregatorOptions.DeclarativeSubscriptions)), "true"),
            Secret(Key(PostgresOptions.Section, nameof(PostgresOptions.ConnectionString)), connection),
            Value(Key(PostgresOptions.Section, nameof(PostgresOptions.Schema)), spec.Postgres.Schema),
            Value(Key(PostgresOptions.Section, nameof(PostgresOptions.DedupRetentionDays)), spec.Postgres.DedupRetentionDays),
            // The same Secret key the injector gives the aggregator's daprd (dapr.io/app-token-secret).
            Secret(AppToken.EnvironmentVariable, appToken),
        ];
    }

    /// <summary>
    /// Both services authenticate with the same keys (ingest for writes, the aggregator for its query API).
    /// Disabled auth is rendered explicitly, because the services treat a missing setting as "on".
    /// </summary>
    private static IEnumerable<V1EnvVar> Auth(LogPipeline pipeline, List<SecretReference> secrets)
    {
        var auth = pipeline.Spec.Ingest.Auth;
        if (!auth.Enabled)
        {
            return [Value(Key(AuthOptions.Section, nameof(AuthOptions.Enabled)), "false")];
        }

        if (!secrets.Any(s => s.SecretName == auth.ApiKeysSecretName && s.Key is null))
        {
            secrets.Add(new SecretReference(auth.ApiKeysSecretName!, null, "spec.ingest.auth.apiKeysSecretName"));
        }

        return [Value(Key(AuthOptions.Section, nameof(AuthOptions.Enabled)), "true"), Value(Key(AuthOptions.Section, nameof(AuthOptions.KeysPath)), EdgeConfigKeys.DefaultAuthKeysPath)];
    }

    /// <summary>
    /// The services' Tls section (<see cref="ServerTlsOptions"/>) pointing at the files of the mounted TLS Secret
    /// (<see cref="TlsFiles"/>), and the Secret keys that must exist before anything is applied.
    /// </summary>
    private static IEnumerable<V1EnvVar> ServingTls(ServingTlsSpec? tls, string fieldPath, List<SecretReference> secrets)
    {
        if (tls is null)
        {
            return [];
        }
        secrets.Add(new SecretReference(tls.SecretName, TlsFiles.CertificateFile, fieldPath + ".secretName"));
        secrets.Add(new SecretReference(tls.SecretName, TlsFiles.KeyFile, fieldPath + ".secretName"));
        var env = new List<V1EnvVar>
        {
            Value(Key(ServerTlsOptions.Section, nameof(ServerTlsOptions.CertificateFile)), TlsFiles.ServingDirectory + "/" + TlsFiles.CertificateFile),
            Value(Key(ServerTlsOptions.Section, nameof(ServerTlsOptions.KeyFile)), TlsFiles.ServingDirectory + "/" + TlsFiles.KeyFile),
            Value(Key(ServerTlsOptions.Section, nameof(ServerTlsOptions.ClientCertificates)), tls.ClientCertificates.ToString()),
        };
        if (tls.ClientCertificates != ClientCertificateMode.None && tls.ClientCaSecretKeyRef is { } ca)
        {
            secrets.Add(new SecretReference(ca.Name, ca.Key, fieldPath + ".clientCaSecretKeyRef"));
            env.Add(Value(Key(ServerTlsOptions.Section, nameof(ServerTlsOptions.ClientCaFile)), TlsFiles.ServingDirectory + "/" + TlsFiles.ClientCaFile));
        }
        return env;
    }

    /// <summary>Ingest's Ingest:RateLimit:Redis*File settings pointing at the mounted files (<see cref="TlsFiles.RedisVolumeFor"/>).</summary>
    private static IEnumerable<V1EnvVar> RedisTls(RedisTlsSpec tls, List<SecretReference> secrets)
    {
        secrets.Add(new SecretReference(tls.CaSecretKeyRef.Name, tls.CaSecretKeyRef.Key, "spec.ingest.rateLimit.tls.caSecretKeyRef"));
        var env = new List<V1EnvVar> { Value(Key(RateLimitOptions.Section, nameof(RateLimitOptions.RedisCaFile)), TlsFiles.RedisCaPath) };
        if (tls.ClientCertSecretKeyRef is { } cert && tls.ClientKeySecretKeyRef is { } key)
        {
            secrets.Add(new SecretReference(cert.Name, cert.Key, "spec.ingest.rateLimit.tls.clientCertSecretKeyRef"));
            secrets.Add(new SecretReference(key.Name, key.Key, "spec.ingest.rateLimit.tls.clientKeySecretKeyRef"));
            env.Add(Value(Key(RateLimitOptions.Section, nameof(RateLimitOptions.RedisCertificateFile)), TlsFiles.RedisClientCertPath));
            env.Add(Value(Key(RateLimitOptions.Section, nameof(RateLimitOptions.RedisKeyFile)), TlsFiles.RedisClientKeyPath));
        }
        return env;
    }

    /// <summary>A configuration key: section and property, as the service binds them.</summary>
    private static string Key(string section, string property) => section + ":" + property;

    /// <summary>https:// when the workload serves TLS, so what the pod says it listens on is what it serves.</summary>
    private static string Urls(int port, ServingTlsSpec? tls) => (tls is null ? "http://+:" : "https://+:") + port.ToString(CultureInfo.InvariantCulture);

    private static V1EnvVar Value(string key, string value) => new() { Name = ConfigKeys.EnvironmentName(key), Value = value };

    private static V1EnvVar Value(string key, long value) => Value(key, value.ToString(CultureInfo.InvariantCulture));

    // "c" is the invariant TimeSpan format ("00:00:02", "1.00:00:00") that configuration binding parses.
    private static V1EnvVar Value(string key, TimeSpan value) => Value(key, value.ToString("c", CultureInfo.InvariantCulture));

    private static V1EnvVar Secret(string key, SecretKeySelector selector) => new()
    {
        Name = ConfigKeys.EnvironmentName(key),
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = selector.Name, Key = selector.Key } },
    };
}
