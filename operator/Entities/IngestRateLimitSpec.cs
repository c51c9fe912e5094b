using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Token-bucket rate limit per client, counted in events.")]
[CelRule("!has(self.burst) || self.burst >= self.eventsPerSecond", "ingest.rateLimit.burst must be at least eventsPerSecond", FieldPath = ".burst")]
[CelRule("!has(self.tls) || has(self.redisConnectionStringSecretKeyRef)", "ingest.rateLimit.tls needs ingest.rateLimit.redisConnectionStringSecretKeyRef: it is TLS to that Redis", FieldPath = ".tls")]
[CelRule("!has(self.tls) || has(self.tls.clientCertSecretKeyRef) == has(self.tls.clientKeySecretKeyRef)", "ingest.rateLimit.tls.clientCertSecretKeyRef and ingest.rateLimit.tls.clientKeySecretKeyRef go together: set both or neither", FieldPath = ".tls")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IngestRateLimitSpec
{
    [JsonRequired]
    [Description("Sustained events per second per client.")]
    [Range(1, 100_000_000)]
    public int EventsPerSecond { get; set; }

    [Description("Bucket size in events; defaults to eventsPerSecond.")]
    [Range(1, 1_000_000_000)]
    public int? Burst { get; set; }

    [Description("Secret key holding the connection string of the Redis that holds the shared buckets. Without it every replica counts on its own with localFallbackSharePercent of the limit.")]
    public SecretKeySelector? RedisConnectionStringSecretKeyRef { get; set; }

    [Description("Percentage of the limit one replica allows on its own while the shared Redis is unreachable (or not configured).")]
    [Range(1, 100)]
    public int LocalFallbackSharePercent { get; set; } = 50;

    public RedisTlsSpec? Tls { get; set; }
}
