using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

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
    [Description("Connect with TLS. What daprd checks depends on the Dapr version (components-contrib common/component/redis v8client.go/v9client.go): up to 1.17 enableTLS sets InsecureSkipVerify, so the server certificate is NOT verified; from 1.18 it is verified against daprd's system CAs. No Dapr version takes a custom CA for Redis, so use a Redis whose certificate chains to a public CA, or a mesh, when the network is not trusted.")]
    public bool EnableTls { get; set; }

    [Description("Approximate maximum length of the stream (XADD MAXLEN ~), a data-loss bound: Redis trims the oldest entries whether or not the aggregator has received and acknowledged them, so a backlog longer than this is lost without an error (daprd's redelivery then acknowledges the trimmed ids). Not set by default: the stream then keeps every entry, acknowledged ones included, until trimmed by other means, so size Redis for it (with maxmemory-policy noeviction, so a full Redis refuses publishes instead of evicting the stream). Set it only well above the longest backlog you accept to lose beyond.")]
    [Range(1000, 1_000_000_000)]
    public long? MaxLenApprox { get; set; }

    [Description("Messages daprd processes at once from this Redis (pubsub.redis concurrency, Redis' default 10). daprd emulates bulk subscribe on Redis and a batch holds at most this many messages, so it defaults to aggregator.bulkSubscribe.maxMessagesCount while bulk subscribe is on (and must be at least that), else to 10.")]
    [Range(1, 100_000)]
    public int? Concurrency { get; set; }

    [Description("Seconds a delivered message may stay unacknowledged before Redis redelivers it to another consumer.")]
    [Range(1, 3600)]
    public int ProcessingTimeoutSeconds { get; set; } = 30;

    [Description("Seconds between checks for pending messages to redeliver.")]
    [Range(1, 3600)]
    public int RedeliverIntervalSeconds { get; set; } = 5;
}
