using System.Text.Json.Nodes;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Serialization;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The one place the processing rules document is produced from spec.processing: the rule fields as the user wrote
/// them (no defaults added: the processing library owns those), without the fields that are the operator's, keys in
/// ordinal order at every level so the same spec always gives the same bytes (and so the same checksum: an
/// unchanged spec never rolls the processor). The processor reads it with RulesParser.Parse, which accepts JSON; a
/// semantic check of the rules (expressions, regexes) belongs here, on <see cref="Json"/>'s result.
/// </summary>
public static class ProcessingRules
{
    /// <summary>The ConfigMap key, as the brief names it (JSON is YAML, so the processor's parser reads either).</summary>
    public const string FileName = "processing.yaml";

    /// <summary>Where the ConfigMap is mounted in the processor.</summary>
    public const string MountDirectory = "/etc/logdapr/processing";

    public const string FilePath = MountDirectory + "/" + FileName;

    /// <summary>SHA-256 of the rules document on the processor's pod template: a rules change rolls the processor.</summary>
    public const string ChecksumAnnotation = "logdapr.io/processing-rules-checksum";

    /// <summary>
    /// SHA-256 of the mapping section alone on ingest's pod template: ingest applies the pipeline's aliases at the door,
    /// so a mapping change rolls ingest, and a change of any other rule (redaction, transforms) does not.
    /// </summary>
    public const string MappingChecksumAnnotation = "logdapr.io/field-mapping-checksum";

    /// <summary>spec.processing fields that say how the processor runs, not what it does: not part of the rules.</summary>
    private static readonly string[] OperatorFields = ["enabled", "replicas", "autoscaling", "resources", "sidecarResources", "pod"];

    /// <summary>
    /// The processor's own parser run on the rendered document: every error with its path under spec.processing, or
    /// null when the processor will accept it. The same check the processor makes at start, made before the rollout.
    /// </summary>
    public static string? Problems(ProcessingSpec processing)
    {
        const string Prefix = "spec.processing is invalid, nothing was applied: ";
        var parsed = LogDapr.Processing.Rules.RulesParser.Parse(Json(processing));
        if (parsed.Rules is null)
        {
            return Prefix + string.Join("; ", parsed.Errors.Select(e => string.IsNullOrEmpty(e.Path) ? e.Message : $"spec.processing.{e.Path}: {e.Message}"));
        }

        try
        {
            // Presets and patterns are checked when the processor is built; the hash key is the operator's to provide
            // (a Secret), so a stand-in key checks everything else.
            _ = LogDapr.Processing.EventProcessor.Create(parsed.Rules, new LogDapr.Processing.ProcessingSecrets(new byte[32]));
            return null;
        }
        catch (LogDapr.Processing.ProcessingSetupException ex)
        {
            return Prefix + "spec.processing." + ex.Message.Replace("invalid redaction rules: ", "", StringComparison.Ordinal);
        }
    }

    /// <summary>The rules document of <paramref name="processing"/>, as JSON with sorted keys.</summary>
    public static string Json(ProcessingSpec processing)
    {
        ArgumentNullException.ThrowIfNull(processing);
        var node = OperatorJson.ToJsonObject(processing);
        foreach (var field in OperatorFields)
        {
            node.Remove(field);
        }
        if (node["redaction"] is JsonObject redaction)
        {
            // The key reaches the processor from a Secret (Processing__HashKey), never through a ConfigMap.
            redaction.Remove("hashKeySecretRef");
        }
        return Sorted(node)!.ToJsonString(MountedDocument.Compact);
    }

    /// <summary>
    /// The mapping section of the rules document (sorted JSON, as in <see cref="Json"/>) when ingest must apply it too:
    /// processing is on and spec.processing.mapping is set. Null otherwise: ingest then reads with the built-in aliases
    /// only and neither mounts the rules nor rolls when they change.
    /// </summary>
    public static string? IngestMappingJson(LogPipelineSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!ProcessingSpec.IsOn(spec) || spec.Processing!.Mapping is null)
        {
            return null;
        }

        return Sorted(OperatorJson.ToJsonObject(spec.Processing)["mapping"])!.ToJsonString(MountedDocument.Compact);
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
