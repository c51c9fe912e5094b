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
    [Description("Connect with TLS. What daprd checks depends on the Dapr version (components-contrib common/component/redis v8client.go/v9client.go): up to 1.17 enableTLS sets InsecureSkipVerify, so the server certificate is NOT verified; from 1.18 it is verified against daprd's system CAs. No Dapr version takes a custom CA for Redis, so use a Redis whose certificate chains to a public CA, or a mesh, when the network is not trusted.")]
    public bool EnableTls { get; set; }
}
