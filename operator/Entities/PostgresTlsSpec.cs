using System.ComponentModel;
using System.Text.Json.Serialization;

namespace LogDapr.Operator.Entities;

/// <summary>
/// Verified TLS to Postgres for both readers of the connection string: daprd's PostgreSQL binding (pgx) and the
/// aggregator's own reads (Npgsql). The files are mounted at one path in both containers, so one connection string
/// names them for both.
/// </summary>
[Description("Verified TLS to Postgres, for the Dapr PostgreSQL binding (inside daprd) and the aggregator's own reads alike. The operator mounts the CA bundle (and the client certificate and key, when given) read-only at /mnt/logdapr/postgres-tls/ in the aggregator containers and their daprd sidecars (dapr.io/volume-mounts), and refuses (InvalidConnectionString) a connection string that does not name them: it must carry sslmode=<sslMode> sslrootcert=/mnt/logdapr/postgres-tls/ca.crt (and sslcert=/mnt/logdapr/postgres-tls/client.crt sslkey=/mnt/logdapr/postgres-tls/client.key with a client certificate).")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PostgresTlsSpec
{
    [JsonRequired]
    [Description("Secret key holding the PEM bundle of the CAs the server's certificate must chain to; mounted as /mnt/logdapr/postgres-tls/ca.crt.")]
    public SecretKeySelector CaSecretKeyRef { get; set; } = null!;

    [Description("verify-full (the default: the certificate must chain to the CA and name the host the connection string names) or verify-ca (chain only, for servers reached by an address their certificate does not name).")]
    public PostgresSslMode SslMode { get; set; } = PostgresSslMode.VerifyFull;

    [Description("Secret key holding a PEM client certificate, for a server that authenticates clients by certificate (pg_hba cert); mounted as /mnt/logdapr/postgres-tls/client.crt. Needs clientKeySecretKeyRef.")]
    public SecretKeySelector? ClientCertSecretKeyRef { get; set; }

    [Description("Secret key holding the client certificate's unencrypted PEM private key; mounted as /mnt/logdapr/postgres-tls/client.key. Needs clientCertSecretKeyRef.")]
    public SecretKeySelector? ClientKeySecretKeyRef { get; set; }
}

public enum PostgresSslMode
{
    [JsonStringEnumMemberName("verify-full")] VerifyFull,
    [JsonStringEnumMemberName("verify-ca")] VerifyCa,
}
