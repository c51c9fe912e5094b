using System.ComponentModel;
using System.Text.Json.Serialization;

namespace LogDapr.Operator.Entities;

/// <summary>
/// Verified TLS to the Redis of the shared rate-limit buckets (ingest's own connection, not a Dapr component). The
/// files are mounted as a directory in the ingest container only; ingest reads them at each new connection.
/// </summary>
[Description("Verified TLS to the Redis of the shared rate-limit buckets. The operator mounts the CA bundle (and the client certificate and key, when given) read-only as a directory at /etc/logdapr/redis-tls/ in the ingest container and sets Ingest__RateLimit__RedisCaFile (and __RedisCertificateFile, __RedisKeyFile). The server's certificate must chain to that bundle (not the system store) and name the host; ingest reads the files at each new connection, so a rotation applies from the next reconnect without a restart. The connection string must say ssl=true (the operator refuses one that does not: InvalidConnectionString); add sslHost=<name in the certificate> when it names the server by address.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class RedisTlsSpec
{
    [JsonRequired]
    [Description("Secret key holding the PEM bundle of the CAs the Redis server's certificate must chain to (for cert-manager, the ca.crt key of the server's Secret); mounted as /etc/logdapr/redis-tls/ca.crt.")]
    public SecretKeySelector CaSecretKeyRef { get; set; } = null!;

    [Description("Secret key holding a PEM client certificate, for a Redis with tls-auth-clients yes; mounted as /etc/logdapr/redis-tls/tls.crt. Needs clientKeySecretKeyRef.")]
    public SecretKeySelector? ClientCertSecretKeyRef { get; set; }

    [Description("Secret key holding the client certificate's unencrypted PEM private key; mounted as /etc/logdapr/redis-tls/tls.key. Needs clientCertSecretKeyRef.")]
    public SecretKeySelector? ClientKeySecretKeyRef { get; set; }
}
