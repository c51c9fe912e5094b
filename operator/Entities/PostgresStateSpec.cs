using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("PostgreSQL state store settings.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PostgresStateSpec
{
    [Description("Secret key holding the state store's connection string, in the same forms as postgres.connectionStringSecretKeyRef (a postgres:// URL or libpq keywords, checked by the operator); defaults to postgres.connectionStringSecretKeyRef.")]
    public SecretKeySelector? ConnectionStringSecretKeyRef { get; set; }

    [Description("Table the state store keeps keys in (created by Dapr).")]
    [Pattern(@"^[a-z_][a-z0-9_]*$")]
    [Length(1, 63)]
    public string TableName { get; set; } = "logdapr_idempotency";
}
