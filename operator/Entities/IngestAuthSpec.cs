using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("API-key authentication of ingest clients.")]
[CelRule("!self.enabled || has(self.apiKeysSecretName)", "ingest.auth.apiKeysSecretName is required when ingest.auth.enabled is true", FieldPath = ".apiKeysSecretName")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IngestAuthSpec
{
    [Description("Require an API key on every request.")]
    public bool Enabled { get; set; }

    [Description("Secret with the API keys (one entry per tenant, values are key hashes); mounted read-only into ingest.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    [Length(1, 253)]
    public string? ApiKeysSecretName { get; set; }
}
