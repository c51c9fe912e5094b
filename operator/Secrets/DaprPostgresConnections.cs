using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Secrets;

/// <summary>
/// The Secret keys daprd reads as a Postgres connection string: the <c>connectionString</c> metadata of the rendered
/// bindings.postgresql and state.postgresql components, with the spec field that named each (for messages). Pure.
/// </summary>
public static class DaprPostgresConnections
{
    public static IReadOnlyList<(SecretKeyRef Ref, string FieldPath)> For(RenderResult rendered)
    {
        ArgumentNullException.ThrowIfNull(rendered);
        var result = new List<(SecretKeyRef, string)>();
        foreach (var component in rendered.Objects.Where(o => o.Type == KnownResources.DaprComponents))
        {
            if (component.Object["spec"].GetString("type") is not (ComponentRenderer.BindingPostgresql or ComponentRenderer.StatePostgresql))
            {
                continue;
            }
            foreach (var item in component.Object["spec"]?["metadata"] as JsonArray ?? [])
            {
                if (item.GetString("name") == "connectionString" && item?["secretKeyRef"] is JsonObject selector
                    && selector.GetString("name") is { } name && selector.GetString("key") is { } key)
                {
                    var reference = new SecretKeyRef(name, key);
                    var field = rendered.SecretReferences.FirstOrDefault(r => r.SecretName == name && r.Key == key)?.FieldPath ?? "spec.postgres.connectionStringSecretKeyRef";
                    if (!result.Any(r => r.Item1 == reference))
                    {
                        result.Add((reference, field));
                    }
                }
            }
        }
        return result;
    }
}
