using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.Schema;

namespace LogDapr.Operator.Entities;

[Description("Redis Streams connection and stream limits.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RedisPubSubSpec
{
    [JsonRequired]
    [Description("Redis address as host:port, e.g. redis-master.data.svc:6379.")]
    [Pattern(@"^[^\s:]+:[0-9]{1,5}$")]
    public string Host { get; set; } = null!;

    [Description("Redis ACL user name (Redis 6+).")]
    public string? Username { get; set; }

    [Description("Secret key holding the Redis password.")]
    public SecretKeySelector? PasswordSecretKeyRef { get; set; }

    [JsonPropertyName("enableTLS")]
    [Description("Connect with TLS.")]
    public bool EnableTls { get; set; }

    [Description("Approximate maximum length of the stream (XADD MAXLEN ~); older entries are trimmed.")]
    [Range(1000, 1_000_000_000)]
    public long MaxLenApprox { get; set; } = 10_000_000;

    [Description("Seconds a delivered message may stay unacknowledged before Redis redelivers it to another consumer.")]
    [Range(1, 3600)]
    public int ProcessingTimeoutSeconds { get; set; } = 30;

    [Description("Seconds between checks for pending messages to redeliver.")]
    [Range(1, 3600)]
    public int RedeliverIntervalSeconds { get; set; } = 5;
}
