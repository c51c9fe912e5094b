using System.Globalization;
using k8s.Models;
using LogDapr.Contracts.Pipeline;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The environment of the ingest and aggregator containers: the services' configuration keys
/// (<see cref="ConfigKeys"/>, <see cref="EdgeConfigKeys"/>) with ':' turned into "__", which is how ASP.NET Core
/// configuration reads nested keys from environment variables.
/// </summary>
internal static class ServiceEnvironment
{
    public static string EnvName(string configKey) => configKey.Replace(":", "__", StringComparison.Ordinal);

    public static List<V1EnvVar> Ingest(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
    {
        var spec = pipeline.Spec;
        var limits = spec.Ingest.Limits;
        var env = new List<V1EnvVar>
        {
            Value(ConfigKeys.Urls, Urls(PipelineDefaults.IngestPort)),
            Value(ConfigKeys.PubSubName, names.PubSubComponent),
            Value(ConfigKeys.Topic, spec.PubSub.Topic),
            Value(ConfigKeys.StateStoreName, names.StateStoreComponent),
            Value(ConfigKeys.IngestMaxBodyBytes, limits.MaxBodyBytes),
            Value(ConfigKeys.IngestMaxEventsPerBatch, limits.MaxEventsPerBatch),
            Value(ConfigKeys.IngestMaxMessageBytes, limits.MaxMessageBytes),
            Value(ConfigKeys.IngestMaxAttributes, limits.MaxAttributes),
            Value(ConfigKeys.IngestPublishTimeout, TimeSpan.FromMilliseconds(limits.PublishTimeoutMilliseconds)),
            Value(EdgeConfigKeys.IdempotencyKeyTtl, TimeSpan.FromSeconds(spec.StateStore.TtlSeconds)),
        };

        env.AddRange(Auth(pipeline, secrets));

        if (spec.Ingest.RateLimit is { } rateLimit)
        {
            env.Add(Value(EdgeConfigKeys.RateLimitEnabled, "true"));
            env.Add(Value(EdgeConfigKeys.RateLimitEventsPerSecond, rateLimit.EventsPerSecond));
            env.Add(Value(EdgeConfigKeys.RateLimitBurst, rateLimit.Burst ?? rateLimit.EventsPerSecond));
            env.Add(Value(EdgeConfigKeys.RateLimitLocalFallbackShare, (rateLimit.LocalFallbackSharePercent / 100m).ToString("0.##", CultureInfo.InvariantCulture)));
            if (rateLimit.RedisConnectionStringSecretKeyRef is { } redis)
            {
                env.Add(Secret(EdgeConfigKeys.RateLimitRedisConnectionString, redis));
                secrets.Add(new SecretReference(redis.Name, redis.Key, "spec.ingest.rateLimit.redisConnectionStringSecretKeyRef"));
            }
        }
        return env;
    }

    public static List<V1EnvVar> Aggregator(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
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
        return
        [
            .. Auth(pipeline, secrets),
            Value(ConfigKeys.Urls, Urls(PipelineDefaults.AggregatorPort)),
            Value(ConfigKeys.PubSubName, names.PubSubComponent),
            Value(ConfigKeys.Topic, spec.PubSub.Topic),
            Value(ConfigKeys.DeadLetterTopic, spec.DeadLetter.Topic),
            Value(ConfigKeys.BindingName, names.PostgresBindingComponent),
            Value(ConfigKeys.AggregatorBucketWidth, TimeSpan.FromSeconds(spec.Aggregator.BucketWidthSeconds)),
            Value(ConfigKeys.AggregatorBulkMaxMessages, spec.Aggregator.BulkSubscribe.MaxMessagesCount),
            Value(ConfigKeys.AggregatorBulkMaxAwaitMilliseconds, spec.Aggregator.BulkSubscribe.MaxAwaitDurationMs),
            // The operator renders the Subscription resources; the aggregator must not subscribe on its own too.
            Value(ConfigKeys.AggregatorDeclarativeSubscriptions, "true"),
            Secret(ConfigKeys.PostgresConnectionString, connection),
            Value(ConfigKeys.PostgresSchema, spec.Postgres.Schema),
            Value(ConfigKeys.PostgresDedupRetentionDays, spec.Postgres.DedupRetentionDays),
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
            return [Value(EdgeConfigKeys.AuthEnabled, "false")];
        }

        if (!secrets.Any(s => s.SecretName == auth.ApiKeysSecretName && s.Key is null))
        {
            secrets.Add(new SecretReference(auth.ApiKeysSecretName!, null, "spec.ingest.auth.apiKeysSecretName"));
        }

        return [Value(EdgeConfigKeys.AuthEnabled, "true"), Value(EdgeConfigKeys.AuthKeysPath, EdgeConfigKeys.DefaultAuthKeysPath)];
    }

    private static string Urls(int port) => "http://+:" + port.ToString(CultureInfo.InvariantCulture);

    private static V1EnvVar Value(string key, string value) => new() { Name = EnvName(key), Value = value };

    private static V1EnvVar Value(string key, long value) => Value(key, value.ToString(CultureInfo.InvariantCulture));

    // "c" is the invariant TimeSpan format ("00:00:02", "1.00:00:00") that configuration binding parses.
    private static V1EnvVar Value(string key, TimeSpan value) => Value(key, value.ToString("c", CultureInfo.InvariantCulture));

    private static V1EnvVar Secret(string key, SecretKeySelector selector) => new()
    {
        Name = EnvName(key),
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = selector.Name, Key = selector.Key } },
    };
}
