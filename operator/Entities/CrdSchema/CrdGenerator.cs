using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Serialization;

namespace LogDapr.Operator.Entities.CrdSchema;

/// <summary>
/// Generates the LogPipeline CustomResourceDefinition from the entity types (as KubeOps and controller-gen do),
/// so the C# model, the parser and the schema the API server enforces cannot disagree. The output is the file
/// checked in at manifests/crds/ and charts/logdapr/files/crds/ (templated by the chart); a test regenerates and compares.
/// </summary>
public static class CrdGenerator
{
    public const string CrdName = LogPipeline.Plural + "." + LogPipeline.Group;

    /// <summary>Kubernetes' quantity grammar (resource.Quantity), as the built-in types' schemas use it.</summary>
    private const string QuantityPattern = @"^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$";

    public static JsonObject Generate()
    {
        var root = new JsonObject
        {
            ["type"] = "object",
            ["description"] = DescriptionOf(typeof(LogPipeline)),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = new JsonObject { ["type"] = "object" },
                ["spec"] = ObjectSchema(typeof(LogPipelineSpec), DescriptionOf(typeof(LogPipeline).GetProperty(nameof(LogPipeline.Spec))!)),
                ["status"] = ObjectSchema(typeof(LogPipelineStatus), DescriptionOf(typeof(LogPipeline).GetProperty(nameof(LogPipeline.Status))!)),
            },
            ["required"] = new JsonArray("spec"),
        };
        AddCelRules(root, typeof(LogPipeline).GetCustomAttributes<CelRuleAttribute>());

        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = CrdName },
            ["spec"] = new JsonObject
            {
                ["group"] = LogPipeline.Group,
                ["names"] = new JsonObject
                {
                    ["kind"] = LogPipeline.KindValue,
                    ["listKind"] = LogPipeline.KindValue + "List",
                    ["plural"] = LogPipeline.Plural,
                    ["singular"] = LogPipeline.Singular,
                    ["shortNames"] = new JsonArray(LogPipeline.ShortName),
                    ["categories"] = new JsonArray("logdapr"),
                },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = LogPipeline.Version,
                    ["served"] = true,
                    ["storage"] = true,
                    ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                    ["additionalPrinterColumns"] = new JsonArray(
                        Column("Broker", "string", ".spec.pubsub.type", "Pub/sub broker type"),
                        Column("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", "Whether every object exists and every workload is available"),
                        Column("Reason", "string", ".status.conditions[?(@.type==\"Ready\")].reason", "Why the pipeline is (not) ready"),
                        Column("Endpoint", "string", ".status.ingestEndpoint", "Ingest URL", priority: 1),
                        Column("Age", "date", ".metadata.creationTimestamp", null)),
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = root },
                }),
            },
        };
    }

    public static string GenerateYaml() => YamlDocuments.Write(Generate());

    private static JsonObject Column(string name, string type, string path, string? description, int priority = 0)
    {
        var column = new JsonObject { ["name"] = name, ["type"] = type, ["jsonPath"] = path };
        if (description is not null)
        {
            column["description"] = description;
        }
        if (priority != 0)
        {
            column["priority"] = priority;
        }
        return column;
    }

    private static JsonObject ObjectSchema(Type type, string? description)
    {
        var schema = new JsonObject { ["type"] = "object" };
        if (description is not null)
        {
            schema["description"] = description;
        }

        var prototype = Activator.CreateInstance(type);
        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var property in JsonProperties(type).OrderBy(p => JsonName(p), StringComparer.Ordinal))
        {
            var name = JsonName(property);
            var isRequired = property.GetCustomAttribute<JsonRequiredAttribute>() is not null;
            if (isRequired)
            {
                required.Add(name);
            }
            var propertySchema = PropertySchema(property);
            if (!isRequired && property.GetCustomAttribute<NoSchemaDefaultAttribute>() is null && prototype is not null)
            {
                var initial = property.GetValue(prototype);
                if (initial is not null)
                {
                    propertySchema["default"] = DefaultValue(property.PropertyType, initial);
                }
            }
            properties[name] = propertySchema;
        }
        schema["properties"] = properties;
        if (required.Count > 0)
        {
            schema["required"] = new JsonArray(required.Select(r => (JsonNode)r!).ToArray());
        }
        AddCelRules(schema, type.GetCustomAttributes<CelRuleAttribute>());
        return schema;
    }

    /// <summary>
    /// An object whose initializer is a plain <c>new()</c> defaults to <c>{}</c>: the API server then fills in the
    /// nested defaults, which keeps each default in one place. Any other value is written out in full.
    /// </summary>
    private static JsonNode DefaultValue(Type type, object value)
    {
        var node = JsonSerializer.SerializeToNode(value, type, OperatorJson.Options)!;
        if (IsObjectType(type))
        {
            var fresh = JsonSerializer.SerializeToNode(Activator.CreateInstance(type), type, OperatorJson.Options)!;
            if (JsonNode.DeepEquals(fresh, node))
            {
                return new JsonObject();
            }
        }
        return node;
    }

    private static JsonObject PropertySchema(PropertyInfo property)
    {
        var schema = TypeSchema(property.PropertyType, property);
        var description = DescriptionOf(property);
        if (description is not null)
        {
            // Keep "description" right after "type" for readability of the generated YAML.
            var ordered = new JsonObject { ["type"] = schema["type"]?.DeepClone(), ["description"] = description };
            foreach (var (key, value) in schema)
            {
                if (key != "type")
                {
                    ordered[key] = value?.DeepClone();
                }
            }
            if (ordered["type"] is null)
            {
                ordered.Remove("type");
            }
            schema = ordered;
        }
        AddCelRules(schema, property.GetCustomAttributes<CelRuleAttribute>());
        return schema;
    }

    private static JsonObject TypeSchema(Type type, PropertyInfo? property)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            var schema = new JsonObject { ["type"] = "string" };
            if (property?.GetCustomAttribute<LengthAttribute>() is { } length)
            {
                if (length.MinLength >= 0)
                {
                    schema["minLength"] = length.MinLength;
                }
                if (length.MaxLength >= 0)
                {
                    schema["maxLength"] = length.MaxLength;
                }
            }
            if (property?.GetCustomAttribute<PatternAttribute>() is { } pattern)
            {
                schema["pattern"] = pattern.Pattern;
            }
            if (property?.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
            {
                schema["enum"] = new JsonArray(allowed.Values.Select(v => (JsonNode)v!).ToArray());
            }
            if (property?.GetCustomAttribute<FormatAttribute>() is { } format)
            {
                schema["format"] = format.Format;
            }
            return schema;
        }
        if (type == typeof(int) || type == typeof(long))
        {
            var schema = new JsonObject { ["type"] = "integer", ["format"] = type == typeof(int) ? "int32" : "int64" };
            if (property?.GetCustomAttribute<RangeAttribute>() is { } range)
            {
                schema["minimum"] = range.Minimum;
                schema["maximum"] = range.Maximum;
            }
            if (property?.GetCustomAttribute<MinimumAttribute>() is { } minimum)
            {
                schema["minimum"] = minimum.Minimum;
            }
            return schema;
        }
        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }
        if (type == typeof(double))
        {
            var schema = new JsonObject { ["type"] = "number" };
            if (property?.GetCustomAttribute<NumberRangeAttribute>() is { } range)
            {
                schema["minimum"] = range.Minimum;
                schema["maximum"] = range.Maximum;
            }
            return schema;
        }
        if (type.IsEnum)
        {
            var values = type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Select(f => f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name)
                .Select(v => (JsonNode)v!)
                .ToArray();
            return new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(values) };
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (property?.GetCustomAttribute<QuantityMapAttribute>() is not null)
            {
                return new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = new JsonObject
                    {
                        ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
                        ["pattern"] = QuantityPattern,
                        ["x-kubernetes-int-or-string"] = true,
                    },
                };
            }
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = TypeSchema(type.GetGenericArguments()[1], null) };
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var items = TypeSchema(type.GetGenericArguments()[0], null);
            if (property?.GetCustomAttribute<ItemPatternAttribute>() is { } itemPattern)
            {
                items["pattern"] = itemPattern.Pattern;
            }
            if (property?.GetCustomAttribute<ItemLengthAttribute>() is { } itemLength)
            {
                if (itemLength.MinLength >= 0)
                {
                    items["minLength"] = itemLength.MinLength;
                }
                if (itemLength.MaxLength >= 0)
                {
                    items["maxLength"] = itemLength.MaxLength;
                }
            }
            if (property?.GetCustomAttribute<ItemAllowedValuesAttribute>() is { } itemValues)
            {
                items["enum"] = new JsonArray(itemValues.Values.Select(v => (JsonNode)v!).ToArray());
            }
            var schema = new JsonObject { ["type"] = "array", ["items"] = items };
            if (property?.GetCustomAttribute<ItemsAttribute>() is { } bounds)
            {
                if (bounds.MinItems >= 0)
                {
                    schema["minItems"] = bounds.MinItems;
                }
                if (bounds.MaxItems >= 0)
                {
                    schema["maxItems"] = bounds.MaxItems;
                }
            }
            if (property?.GetCustomAttribute<ListTypeSetAttribute>() is not null)
            {
                schema["x-kubernetes-list-type"] = "set";
            }
            if (property?.GetCustomAttribute<ListTypeMapAttribute>() is { } map)
            {
                schema["x-kubernetes-list-type"] = "map";
                schema["x-kubernetes-list-map-keys"] = new JsonArray(map.Keys.Select(k => (JsonNode)k!).ToArray());
            }
            return schema;
        }
        if (KubernetesModelSchema.IsModel(type))
        {
            return KubernetesModelSchema.For(type);
        }
        if (IsObjectType(type))
        {
            return ObjectSchema(type, property is null ? DescriptionOf(type) : null);
        }
        throw new NotSupportedException($"no schema mapping for {type}");
    }

    private static bool IsObjectType(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type);

    private static void AddCelRules(JsonObject schema, IEnumerable<CelRuleAttribute> rules)
    {
        var list = rules.ToList();
        if (list.Count == 0)
        {
            return;
        }
        var array = new JsonArray();
        foreach (var rule in list)
        {
            var item = new JsonObject { ["rule"] = rule.Rule, ["message"] = rule.Message };
            if (rule.FieldPath is not null)
            {
                item["fieldPath"] = rule.FieldPath;
            }
            array.Add(item);
        }
        schema["x-kubernetes-validations"] = array;
    }

    /// <summary>Properties that take part in JSON (public, settable, not [JsonIgnore]).</summary>
    public static IEnumerable<PropertyInfo> JsonProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<JsonIgnoreAttribute>() is null);

    public static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name
        ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static string? DescriptionOf(MemberInfo member)
    {
        if (member.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            return description.Description;
        }
        return member is PropertyInfo property
            ? (Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType).GetCustomAttribute<DescriptionAttribute>()?.Description
            : null;
    }
}
