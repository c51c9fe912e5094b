using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Configuration.Pipeline;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("The aggregator's Postgres database.")]
[CelRule("!has(self.tls) || has(self.tls.clientCertSecretKeyRef) == has(self.tls.clientKeySecretKeyRef)", "postgres.tls.clientCertSecretKeyRef and postgres.tls.clientKeySecretKeyRef go together: set both or neither", FieldPath = ".tls")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PostgresSpec
{
    [JsonRequired]
    [Description("Secret key holding the Postgres connection string, read by the Dapr binding (writes, with pgx) and the aggregator (migrations, query API). A postgres:// URL (postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require, reserved characters percent-encoded) or libpq keywords separated by spaces (host=HOST port=5432 user=USER password=PASSWORD dbname=DATABASE sslmode=require); not the Npgsql form Host=...;Database=..., which pgx cannot read. The operator checks the value before applying anything and reports InvalidConnectionString otherwise.")]
    public SecretKeySelector ConnectionStringSecretKeyRef { get; set; } = null!;

    [Description("Schema the aggregator creates its tables in.")]
    [Pattern(@"^[a-z_][a-z0-9_]*$")]
    [Length(1, 63)]
    public string Schema { get; set; } = PipelineDefaults.PostgresSchema;

    [JsonPropertyName("tls")]
    [Description("Verified TLS to Postgres with a CA bundle from a Secret, for the Dapr binding and the aggregator's reads alike. Without it the connection string's own sslmode applies.")]
    public PostgresTlsSpec? Tls { get; set; }

    [Description("Days the aggregator remembers processed delivery ids, which is how long a redelivered message is still recognised as a duplicate.")]
    [Range(1, 3650)]
    public int DedupRetentionDays { get; set; } = 7;
}
