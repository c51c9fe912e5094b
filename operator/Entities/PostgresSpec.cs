using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Configuration.Pipeline;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("The aggregator's Postgres database.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PostgresSpec
{
    [JsonRequired]
    [Description("Secret key holding the Npgsql/libpq connection string. Used by the Dapr binding (writes) and the aggregator (migrations, query API).")]
    public SecretKeySelector ConnectionStringSecretKeyRef { get; set; } = null!;

    [Description("Schema the aggregator creates its tables in.")]
    [Pattern(@"^[a-z_][a-z0-9_]*$")]
    [Length(1, 63)]
    public string Schema { get; set; } = PipelineDefaults.PostgresSchema;

    [Description("Days the aggregator remembers processed delivery ids, which is how long a redelivered message is still recognised as a duplicate.")]
    [Range(1, 3650)]
    public int DedupRetentionDays { get; set; } = 7;
}
