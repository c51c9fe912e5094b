using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace LogDapr.Operator.Entities.CrdSchema;

/// <summary>
/// Structural schemas for the KubernetesClient model types a LogPipeline embeds (an HPA's behavior, tolerations...),
/// so the API server validates and prunes them as it does in the built-in kinds instead of keeping unknown fields.
/// Field names come from the models' [JsonPropertyName]; the required fields, which the models do not carry, are
/// listed here from the Kubernetes API reference (k8s.io/api types: the fields without omitempty).
/// </summary>
internal static class KubernetesModelSchema
{
    private static readonly Dictionary<Type, string[]> Required = new()
    {
        [typeof(V2HPAScalingPolicy)] = ["periodSeconds", "type", "value"],
        [typeof(V1TopologySpreadConstraint)] = ["maxSkew", "topologyKey", "whenUnsatisfiable"],
        [typeof(V1LabelSelectorRequirement)] = ["key", "operator"],
        [typeof(V1NodeSelectorRequirement)] = ["key", "operator"],
        [typeof(V1NodeSelector)] = ["nodeSelectorTerms"],
        [typeof(V1PodAffinityTerm)] = ["topologyKey"],
        [typeof(V1WeightedPodAffinityTerm)] = ["podAffinityTerm", "weight"],
        [typeof(V1PreferredSchedulingTerm)] = ["preference", "weight"],
    };

    public static bool IsModel(Type type) => type.Namespace == typeof(V1ObjectMeta).Namespace && type.IsClass;

    public static JsonObject For(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }
        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer", ["format"] = type == typeof(int) ? "int32" : "int64" };
        }
        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }
        if (type == typeof(double))
        {
            return new JsonObject { ["type"] = "number", ["format"] = "double" };
        }
        if (type == typeof(IntOrString) || type == typeof(ResourceQuantity))
        {
            return new JsonObject
            {
                ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
                ["x-kubernetes-int-or-string"] = true,
            };
        }
        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var arguments = type.GetGenericArguments();
            return arguments.Length == 2
                ? new JsonObject { ["type"] = "object", ["additionalProperties"] = For(arguments[1]) }
                : new JsonObject { ["type"] = "array", ["items"] = For(arguments[0]) };
        }
        if (IsModel(type))
        {
            var properties = new JsonObject();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                         .Where(p => p.CanWrite && p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null)
                         .OrderBy(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name, StringComparer.Ordinal))
            {
                properties[property.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name] = For(property.PropertyType);
            }
            var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
            if (Required.TryGetValue(type, out var required))
            {
                schema["required"] = new JsonArray([.. required.Select(r => (JsonNode)r!)]);
            }
            return schema;
        }
        throw new NotSupportedException($"no schema mapping for {type} in a Kubernetes model");
    }
}
