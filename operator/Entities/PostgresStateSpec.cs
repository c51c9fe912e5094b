using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("PostgreSQL state store settings.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PostgresStateSpec
{
    [Description("Secret key holding the connection string; defaults to postgres.connectionStringSecretKeyRef.")]
    public SecretKeySelector? ConnectionStringSecretKeyRef { get; set; }

    [Description("Table the state store keeps keys in (created by Dapr).")]
    [Pattern(@"^[a-z_][a-z0-9_]*$")]
    [Length(1, 63)]
    public string TableName { get; set; } = "logdapr_idempotency";
}
