using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Serialization;

namespace LogDapr.Operator.Entities;

/// <summary>Reads LogPipelines from YAML files (the CLI, samples) and from API objects (the controller).</summary>
public static class LogPipelineDocuments
{
    /// <summary>
    /// Every LogPipeline in a multi-document YAML text; other kinds (the Secrets next to a sample) are skipped.
    /// A document without metadata.namespace gets <paramref name="defaultNamespace"/>, as kubectl would.
    /// </summary>
    public static IReadOnlyList<LogPipeline> Parse(string yaml, string defaultNamespace = "default")
    {
        var result = new List<LogPipeline>();
        foreach (var document in YamlDocuments.Parse(yaml))
        {
            if (document is not JsonObject obj || !IsLogPipeline(obj))
            {
                continue;
            }
            var pipeline = FromJson(obj);
            if (string.IsNullOrEmpty(pipeline.Metadata.NamespaceProperty))
            {
                pipeline.Metadata.NamespaceProperty = defaultNamespace;
            }
            result.Add(pipeline);
        }
        return result;
    }

    public static bool IsLogPipeline(JsonObject obj) =>
        obj["kind"]?.GetValueKind() == JsonValueKind.String && obj["kind"]!.GetValue<string>() == LogPipeline.KindValue
        && obj["apiVersion"]?.GetValueKind() == JsonValueKind.String && obj["apiVersion"]!.GetValue<string>() == LogPipeline.ApiVersionValue;

    /// <exception cref="InvalidPipelineException">The object does not fit the LogPipeline types (unknown field, wrong type, missing required field).</exception>
    public static LogPipeline FromJson(JsonObject obj)
    {
        try
        {
            return OperatorJson.FromJson<LogPipeline>(obj);
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') + ": " : "";
            throw new InvalidPipelineException($"{Name(obj)}: {path}{e.Message}", e);
        }
    }

    private static string Name(JsonObject obj) => obj["metadata"]?["name"]?.ToString() is { Length: > 0 } name ? $"LogPipeline {name}" : "LogPipeline";
}
