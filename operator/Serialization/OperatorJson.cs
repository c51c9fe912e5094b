using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LogDapr.Operator.Serialization;

/// <summary>JSON options for the operator's own types (LogPipeline, rendered Dapr objects).</summary>
public static class OperatorJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // A null where the type says "never null" is a spec error, not something to paper over.
            RespectNullableAnnotations = true,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static JsonObject ToJsonObject<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Options) as JsonObject
        ?? throw new InvalidOperationException($"{typeof(T).Name} did not serialize to a JSON object");

    public static T FromJson<T>(JsonNode node) =>
        node.Deserialize<T>(Options) ?? throw new JsonException($"{typeof(T).Name} is null");
}

/// <summary>Reads a map of Kubernetes quantities whose values may be written as numbers (cpu: 1) or strings.</summary>
public sealed class QuantityMapConverter : JsonConverter<Dictionary<string, string>>
{
    public override Dictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("expected a map of quantities");
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            result[key] = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
                _ => throw new JsonException($"quantity \"{key}\" must be a number or a string"),
            };
        }
        return result;
    }

    public override void Write(Utf8JsonWriter writer, Dictionary<string, string> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, quantity) in value.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, quantity);
        }
        writer.WriteEndObject();
    }
}
