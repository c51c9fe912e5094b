using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("The Dapr state store ingest keeps idempotency keys in.")]
[CelRule("self.type == 'redis' || !has(self.redis)", "stateStore.redis is only allowed when stateStore.type is redis", FieldPath = ".redis")]
[CelRule("self.type == 'postgresql' || !has(self.postgresql)", "stateStore.postgresql is only allowed when stateStore.type is postgresql", FieldPath = ".postgresql")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class StateStoreSpec
{
    [Description("redis (state.redis) or postgresql (state.postgresql).")]
    public StateStoreType Type { get; set; } = StateStoreType.Redis;

    [Description("How long an idempotency key is remembered, in seconds; a retried request within this window is not published twice.")]
    [Range(60, 2_592_000)]
    public int TtlSeconds { get; set; } = 86_400;

    [Description("Redis connection (type: redis). When omitted and pubsub.type is redis, the pub/sub Redis is used.")]
    public RedisStateSpec? Redis { get; set; }

    [Description("PostgreSQL settings (type: postgresql). The connection defaults to postgres.connectionStringSecretKeyRef.")]
    public PostgresStateSpec? Postgresql { get; set; }
}

public enum StateStoreType
{
    [JsonStringEnumMemberName("redis")] Redis,
    [JsonStringEnumMemberName("postgresql")] Postgresql,
}
