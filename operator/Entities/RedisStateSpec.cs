using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Redis connection for the state store.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RedisStateSpec
{
    [JsonRequired]
    [Description("Redis address as host:port.")]
    [Pattern(@"^[^\s:]+:[0-9]{1,5}$")]
    public string Host { get; set; } = null!;

    [Description("Redis ACL user name.")]
    public string? Username { get; set; }

    [Description("Secret key holding the Redis password.")]
    public SecretKeySelector? PasswordSecretKeyRef { get; set; }

    [JsonPropertyName("enableTLS")]
    [Description("Connect with TLS.")]
    public bool EnableTls { get; set; }
}
