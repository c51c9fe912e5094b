using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace LogDapr.Formats.Yaml;

/// <summary>
/// Converts between YAML documents and <see cref="JsonNode"/> trees. Programs here work on JSON (what the
/// Kubernetes API server and Dapr speak); YAML is only the human-facing format of files, golden tests and
/// <c>render</c> output. Two readings of a file:
/// <list type="bullet">
/// <item><see cref="Parse"/>, as Kubernetes reads a manifest: scalars follow the YAML 1.2 core schema plus the
/// YAML 1.1 booleans that Kubernetes' decoder still accepts, so a file means the same here as under
/// <c>kubectl apply</c>; duplicate keys are an error.</item>
/// <item><see cref="ParseAsStrings"/>, as daprd reads its resource files: every scalar stays a string (Dapr decodes
/// <c>"4"</c> and <c>4</c> the same), keys match case-insensitively, a repeated key replaces the earlier one.</item>
/// </list>
/// </summary>
public static partial class YamlDocuments
{
    /// <summary>
    /// Parses every document of a (possibly multi-document) YAML text, Kubernetes' way. Empty documents are skipped.
    /// </summary>
    /// <exception cref="FormatException">Invalid YAML, a duplicate or non-scalar key.</exception>
    public static IReadOnlyList<JsonNode> Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"invalid YAML at line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}", e);
        }

        var result = new List<JsonNode>();
        foreach (var document in stream.Documents)
        {
            var node = ToJson(document.RootNode);
            if (node is not null)
            {
                result.Add(node);
            }
        }
        return result;
    }

    /// <summary>
    /// Every document of a YAML text, daprd's way (see the type's summary); an empty document is a null entry.
    /// </summary>
    /// <exception cref="YamlException">Invalid YAML.</exception>
    public static IReadOnlyList<JsonNode?> ParseAsStrings(TextReader reader)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents.Select(d => ToStringJson(d.RootNode)).ToList();
    }

    /// <summary>Writes one YAML document per node, separated by <c>---</c>; output is deterministic (key order kept).</summary>
    public static string Write(IEnumerable<JsonNode> documents)
    {
        var builder = new StringBuilder();
        var first = true;
        foreach (var document in documents)
        {
            if (!first)
            {
                builder.Append("---\n");
            }
            first = false;
            builder.Append(Write(document));
        }
        return builder.ToString();
    }

    public static string Write(JsonNode document)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(writer, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024, indentSequences: false));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        Emit(emitter, document);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return writer.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    private static void Emit(IEmitter emitter, JsonNode? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case JsonObject obj:
                emitter.Emit(new MappingStart(null, null, true, obj.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in obj)
                {
                    EmitString(emitter, key);
                    Emit(emitter, value);
                }
                emitter.Emit(new MappingEnd());
                break;
            case JsonArray array:
                emitter.Emit(new SequenceStart(null, null, true, array.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in array)
                {
                    Emit(emitter, item);
                }
                emitter.Emit(new SequenceEnd());
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case System.Text.Json.JsonValueKind.String:
                        EmitString(emitter, value.GetValue<string>());
                        break;
                    case System.Text.Json.JsonValueKind.True:
                        emitter.Emit(new Scalar(null, null, "true", ScalarStyle.Plain, true, false));
                        break;
                    case System.Text.Json.JsonValueKind.False:
                        emitter.Emit(new Scalar(null, null, "false", ScalarStyle.Plain, true, false));
                        break;
                    case System.Text.Json.JsonValueKind.Number:
                        emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, true, false));
                        break;
                    default:
                        emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                        break;
                }
                break;
        }
    }

    private static void EmitString(IEmitter emitter, string text)
    {
        // A string that a YAML reader would take for another type (true, 8080, null, 1e3...) must be quoted,
        // otherwise "8080" in an env var value silently becomes a number. Multi-line strings use a literal block.
        ScalarStyle style;
        if (text.Contains('\n', StringComparison.Ordinal) && !text.Contains('\r', StringComparison.Ordinal) && !text.Contains('\t', StringComparison.Ordinal)
            && !text.Split('\n').Any(line => line.EndsWith(' ') || line.StartsWith(' ')))
        {
            style = ScalarStyle.Literal;
        }
        else if (ResolvePlain(text) is not string || text.Length == 0 || NeedsQuotes(text))
        {
            style = ScalarStyle.DoubleQuoted;
        }
        else
        {
            style = ScalarStyle.Any;
        }
        emitter.Emit(new Scalar(null, null, text, style, style == ScalarStyle.Any, style != ScalarStyle.Any));
    }

    /// <summary>
    /// Strings other YAML readers may take for something else: YAML 1.1 sexagesimal numbers ("12:00:00" is 43200
    /// to PyYAML) and timestamps, plus anything with control characters or edge whitespace.
    /// </summary>
    private static bool NeedsQuotes(string text) =>
        text.Contains('\n', StringComparison.Ordinal) || text.Contains('\t', StringComparison.Ordinal) || text != text.Trim()
        || SexagesimalLike().IsMatch(text) || TimestampLike().IsMatch(text);

    [GeneratedRegex(@"^[-+]?[0-9][0-9_.]*(:[0-9_.]+)+$")]
    private static partial Regex SexagesimalLike();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")]
    private static partial Regex TimestampLike();

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => MappingToJson(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ScalarToJson(scalar),
        _ => throw new FormatException($"unsupported YAML node {node.NodeType}"),
    };

    private static JsonObject MappingToJson(YamlMappingNode mapping)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            if (key is not YamlScalarNode { Value: { } name })
            {
                throw new FormatException($"only scalar mapping keys are supported (line {key.Start.Line})");
            }
            if (obj.ContainsKey(name))
            {
                throw new FormatException($"duplicate key \"{name}\" at line {key.Start.Line}");
            }
            obj[name] = ToJson(value);
        }
        return obj;
    }

    private static JsonNode? ToStringJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => StringMappingToJson(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToStringJson).ToArray()),
        YamlScalarNode scalar => StringScalarToJson(scalar),
        _ => null,
    };

    private static JsonObject StringMappingToJson(YamlMappingNode mapping)
    {
        var obj = new JsonObject(new JsonNodeOptions { PropertyNameCaseInsensitive = true });
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? key.ToString();
            obj[name] = ToStringJson(value);
        }
        return obj;
    }

    /// <summary>An unquoted ~, null or empty value is YAML null; anything else, quoted null forms included, is a string.</summary>
    private static JsonValue? StringScalarToJson(YamlScalarNode scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL"
            ? null
            : JsonValue.Create(scalar.Value ?? "");

    private static JsonNode? ScalarToJson(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }
        if (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value is "tag:yaml.org,2002:str" or "!!str")
        {
            return JsonValue.Create(text);
        }
        return ResolvePlain(text) switch
        {
            null => null,
            bool b => JsonValue.Create(b),
            long l => JsonValue.Create(l),
            double d => JsonValue.Create(d),
            string s => JsonValue.Create(s),
            _ => JsonValue.Create(text),
        };
    }

    /// <summary>What an unquoted scalar means: null, bool, long, double or string.</summary>
    private static object? ResolvePlain(string text)
    {
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                return true;
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                return false;
        }
        if (IntegerPattern().IsMatch(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }
        if (HexPattern().IsMatch(text))
        {
            return Convert.ToInt64(text[2..], 16);
        }
        if (OctalPattern().IsMatch(text))
        {
            return Convert.ToInt64(text.TrimStart('0').TrimStart('o') is { Length: > 0 } digits ? digits : "0", 8);
        }
        if (FloatPattern().IsMatch(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }
        if (text is ".inf" or "-.inf" or "+.inf" or ".nan" or ".NaN" or ".Inf")
        {
            return double.NaN;
        }
        return text;
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^0x[0-9a-fA-F]+$")]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"^0o[0-7]+$")]
    private static partial Regex OctalPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}
