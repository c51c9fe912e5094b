using System.Globalization;
using System.Text;
using LogDapr.Contracts.Events;
using LogDapr.Processing.Expressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace LogDapr.Processing.Rules;

/// <summary>
/// Reads a rule set from YAML or JSON (JSON is YAML). The document is loaded into a node tree and walked by hand,
/// so every unknown key, wrong type or bad value is reported with its path, and nothing is half-accepted: either
/// the whole rule set or the list of what is wrong.
/// </summary>
public static class RulesParser
{
    public const int MaxDocumentChars = 1024 * 1024;
    public const int MaxTransforms = 1000;
    public const int MaxPatterns = 200;
    public const int MaxPresets = 64;
    public const int MaxAttributeKeys = 1000;
    public const int MaxRemoveKeys = 256;
    public const int MaxAliasesPerField = 32;
    public const int MaxAliasLength = 256;
    public const int MaxSeparatorLength = 8;

    // Loading the node tree recurses per nesting level; the event pass refuses deep documents before that.
    private const int MaxNesting = 64;
    private const int MaxErrors = 100;

    private static readonly string[] TopLevelKeys = ["mapping", "enrichment", "transforms", "redaction", "limits"];
    private static readonly string[] Actions = ["rename", "copy", "remove", "set", "drop", "sample"];
    private static readonly int MaxKeyLength = LogEventLimits.Default.MaxAttributeKeyLength;
    private static readonly int MaxSetValueBytes = LogEventLimits.Default.MaxAttributeValueBytes;

    public static RulesParseResult Parse(string yamlOrJson)
    {
        ArgumentNullException.ThrowIfNull(yamlOrJson);
        var errors = new Errors();
        if (yamlOrJson.Length > MaxDocumentChars)
        {
            errors.Add("$", $"document is longer than {MaxDocumentChars} characters");
            return errors.Result();
        }
        if (!TryLoad(yamlOrJson, errors, out var root))
        {
            return errors.Result();
        }
        var rules = ReadDocument(root, errors);
        return errors.Count == 0 ? new RulesParseResult(rules, []) : errors.Result();
    }

    private static bool TryLoad(string text, Errors errors, out YamlNode? root)
    {
        root = null;
        try
        {
            var parser = new Parser(new StringReader(text));
            int depth = 0;
            int documents = 0;
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart:
                        documents++;
                        break;
                    case MappingStart or SequenceStart:
                        if (++depth > MaxNesting)
                        {
                            errors.Add("$", $"{Where(parser.Current.Start)}nested deeper than {MaxNesting} levels");
                            return false;
                        }
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                    case AnchorAlias:
                        errors.Add("$", $"{Where(parser.Current.Start)}aliases (*name) are not supported");
                        return false;
                    default:
                        break;
                }
            }
            if (documents > 1)
            {
                errors.Add("$", "more than one document; a rule set is one document");
                return false;
            }
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            return true;
        }
        catch (YamlException e)
        {
            errors.Add("$", $"{Where(e.Start)}not valid YAML or JSON: {Reason(e)}");
            return false;
        }
        catch (ArgumentException e)
        {
            // The node tree refuses a mapping with the same key twice this way.
            errors.Add("$", $"not valid YAML or JSON: {e.Message}");
            return false;
        }
    }

    private static string Where(Mark mark) => $"line {mark.Line}, column {mark.Column}: ";

    private static string Reason(YamlException e)
    {
        // YamlDotNet prefixes its messages with "(Line: .., Col: .., Idx: ..) - (...): "; the location is given already.
        string message = e.InnerException is YamlException inner ? inner.Message : e.Message;
        int cut = message.IndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith('(') ? message[(cut + 3)..] : message;
    }

    private static ProcessingRules? ReadDocument(YamlNode? root, Errors errors)
    {
        var mapping = MappingRules.Default;
        var enrichment = EnrichmentRules.None;
        IReadOnlyList<TransformRule> transforms = [];
        RedactionRules? redaction = null;
        var limits = LimitsRules.None;
        if (root is null || IsNull(root))
        {
            return new ProcessingRules(mapping, enrichment, transforms, redaction, limits);
        }
        if (root is not YamlMappingNode document)
        {
            errors.Add("$", $"must be a mapping with any of the keys {string.Join(", ", TopLevelKeys)}");
            return null;
        }
        foreach (var (key, value) in Entries(document, "", TopLevelKeys, errors))
        {
            switch (key)
            {
                case "mapping":
                    mapping = ReadMapping(value, "mapping", errors) ?? mapping;
                    break;
                case "enrichment":
                    enrichment = ReadEnrichment(value, "enrichment", errors) ?? enrichment;
                    break;
                case "transforms":
                    transforms = ReadTransforms(value, "transforms", errors) ?? transforms;
                    break;
                case "redaction":
                    redaction = ReadRedaction(value, "redaction", errors);
                    break;
                default:
                    limits = ReadLimits(value, "limits", errors) ?? limits;
                    break;
            }
        }
        return errors.Count == 0 ? new ProcessingRules(mapping, enrichment, transforms, redaction, limits) : null;
    }

    private static MappingRules? ReadMapping(YamlNode node, string path, Errors errors)
    {
        if (!IsMapping(node, path, errors, out var section))
        {
            return null;
        }
        var fields = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        string separator = MappingRules.DefaultSeparator;
        foreach (var (key, value) in Entries(section, path, ["fields", "separator"], errors))
        {
            string at = Join(path, key);
            if (key == "separator")
            {
                if (ReadString(value, at, errors) is { } text)
                {
                    if (text.Length > MaxSeparatorLength)
                    {
                        errors.Add(at, $"must be at most {MaxSeparatorLength} characters");
                    }
                    else
                    {
                        separator = text;
                    }
                }
                continue;
            }
            if (!IsMapping(value, at, errors, out var fieldMap))
            {
                continue;
            }
            var owner = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (field, aliasesNode) in Entries(fieldMap, at, [.. MappingRules.CanonicalFields], errors))
            {
                string fieldPath = Join(at, field);
                if (ReadStringList(aliasesNode, fieldPath, MaxAliasesPerField, errors) is not { } aliases)
                {
                    continue;
                }
                for (int i = 0; i < aliases.Count; i++)
                {
                    string aliasPath = $"{fieldPath}[{i}]";
                    if (aliases[i].Length > MaxAliasLength)
                    {
                        errors.Add(aliasPath, $"must be at most {MaxAliasLength} characters");
                    }
                    else if (MappingRules.CanonicalFields.Contains(aliases[i]))
                    {
                        errors.Add(aliasPath, $"'{aliases[i]}' is a canonical field name, not an alias");
                    }
                    else if (!owner.TryAdd(aliases[i], field))
                    {
                        errors.Add(aliasPath, $"'{aliases[i]}' is already an alias of {owner[aliases[i]]}");
                    }
                }
                fields[field] = aliases;
            }
        }
        return new MappingRules(fields, separator);
    }

    private static EnrichmentRules? ReadEnrichment(YamlNode node, string path, Errors errors)
    {
        if (!IsMapping(node, path, errors, out var section))
        {
            return null;
        }
        bool hosts = false;
        bool services = false;
        foreach (var (key, value) in Entries(section, path, ["hosts", "services"], errors))
        {
            bool on = ReadBool(value, Join(path, key), errors) ?? false;
            if (key == "hosts")
            {
                hosts = on;
            }
            else
            {
                services = on;
            }
        }
        return new EnrichmentRules(hosts, services);
    }

    private static List<TransformRule>? ReadTransforms(YamlNode node, string path, Errors errors)
    {
        if (IsNull(node))
        {
            return [];
        }
        if (node is not YamlSequenceNode list)
        {
            errors.Add(path, "must be a list of transforms");
            return null;
        }
        if (list.Children.Count > MaxTransforms)
        {
            errors.Add(path, $"has {list.Children.Count} transforms; at most {MaxTransforms} are allowed");
            return null;
        }
        var transforms = new List<TransformRule>(list.Children.Count);
        for (int i = 0; i < list.Children.Count; i++)
        {
            if (ReadTransform(list.Children[i], $"{path}[{i}]", errors) is { } transform)
            {
                transforms.Add(transform);
            }
        }
        return transforms;
    }

    private static TransformRule? ReadTransform(YamlNode node, string path, Errors errors)
    {
        if (!IsMapping(node, path, errors, out var item))
        {
            return null;
        }
        Condition? when = null;
        var actions = new List<(string Name, YamlNode Value)>();
        foreach (var (key, value) in Entries(item, path, [.. Actions, "when"], errors))
        {
            if (key == "when")
            {
                when = ReadCondition(value, Join(path, key), errors);
            }
            else
            {
                actions.Add((key, value));
            }
        }
        if (actions.Count == 0)
        {
            errors.Add(path, $"needs exactly one action: {string.Join(", ", Actions)}");
            return null;
        }
        if (actions.Count > 1)
        {
            errors.Add(path, $"has {actions.Count} actions ({string.Join(", ", actions.ConvertAll(a => a.Name))}); give each its own transform");
            return null;
        }
        var (name, action) = actions[0];
        string at = Join(path, name);
        TransformRule? transform = name switch
        {
            "rename" => ReadFromTo(action, at, errors) is var (from, to) ? new RenameTransform(from, to) : null,
            "copy" => ReadFromTo(action, at, errors) is var (from, to) ? new CopyTransform(from, to) : null,
            "remove" => ReadRemove(action, at, errors),
            "set" => ReadSet(action, at, errors),
            "drop" => ReadDrop(action, at, errors),
            _ => ReadSample(action, at, errors),
        };
        return transform is null ? null : transform with { When = when };
    }

    private static Condition? ReadCondition(YamlNode node, string path, Errors errors)
    {
        if (ReadString(node, path, errors) is not { } text)
        {
            return null;
        }
        if (Condition.TryParse(text, out var condition, out var error))
        {
            return condition;
        }
        errors.Add(path, error!.ToString());
        return null;
    }

    private static (string From, string To)? ReadFromTo(YamlNode node, string path, Errors errors)
    {
        if (!IsMapping(node, path, errors, out var section))
        {
            return null;
        }
        string? from = null;
        string? to = null;
        foreach (var (key, value) in Entries(section, path, ["from", "to"], errors))
        {
            string? attributeKey = ReadAttributeKey(value, Join(path, key), errors);
            if (key == "from")
            {
                from = attributeKey;
            }
            else
            {
                to = attributeKey;
            }
        }
        Require(section, path, "from", errors);
        Require(section, path, "to", errors);
        return from is not null && to is not null ? (from, to) : null;
    }

    private static RemoveTransform? ReadRemove(YamlNode node, string path, Errors errors)
    {
        if (ReadStringList(node, path, MaxRemoveKeys, errors) is not { } keys)
        {
            return null;
        }
        bool valid = keys.Count > 0;
        if (!valid)
        {
            errors.Add(path, "must name at least one attribute key");
        }
        for (int i = 0; i < keys.Count; i++)
        {
            valid &= CheckAttributeKey(keys[i], $"{path}[{i}]", errors);
        }
        return valid ? new RemoveTransform(keys) : null;
    }

    private static SetTransform? ReadSet(YamlNode node, string path, Errors errors)
    {
        if (!IsMapping(node, path, errors, out var section))
        {
            return null;
        }
        string? key = null;
        string? value = null;
        foreach (var (name, child) in Entries(section, path, ["key", "value"], errors))
        {
            string at = Join(path, name);
            if (name == "key")
            {
                key = ReadAttributeKey(child, at, errors);
                continue;
            }
            // Numbers and booleans are set as their text: attribute values are strings.
            if (child is YamlScalarNode { Value: { } text } scalar && !IsNull(scalar))
            {
                if (Encoding.UTF8.GetByteCount(text) > MaxSetValueBytes)
                {
                    errors.Add(at, $"must be at most {MaxSetValueBytes} bytes of UTF-8");
                }
                else
                {
                    value = text;
                }
            }
            else
            {
                errors.Add(at, "must be a string, number or boolean");
            }
        }
        Require(section, path, "key", errors);
        Require(section, path, "value", errors);
        return key is not null && value is not null ? new SetTransform(key, value) : null;
    }

    private static DropTransform? ReadDrop(YamlNode node, string path, Errors errors)
    {
        switch (ReadBool(node, path, errors))
        {
            case true:
                return new DropTransform();
            case false:
                errors.Add(path, "must be true (to keep events, remove the transform)");
                return null;
            default:
                return null;
        }
    }

    private static SampleTransform? ReadSample(YamlNode node, string path, Errors errors)
    {
        if (!IsMapping(node, path, errors, out var section))
        {
            return null;
        }
        double? rate = null;
        foreach (var (_, value) in Entries(section, path, ["rate"], errors))
        {
            string at = Join(path, "rate");
            if (ReadNumber(value, at, errors) is double number)
            {
                if (number is < 0 or > 1)
                {
                    errors.Add(at, "must be between 0 and 1");
                }
                else
                {
                    rate = number;
                }
            }
        }
        Require(section, path, "rate", errors);
        return rate is double r ? new SampleTransform(r) : null;
    }

    private static RedactionRules? ReadRedaction(YamlNode node, string path, Errors errors)
    {
        if (!IsMapping(node, path, errors, out var section))
        {
            return null;
        }
        var rules = new RedactionRules();
        foreach (var (key, value) in Entries(section, path, ["presets", "patterns", "mode", "message", "attributes", "allowAttributes"], errors))
        {
            string at = Join(path, key);
            switch (key)
            {
                case "presets":
                    rules = ReadStringList(value, at, MaxPresets, errors) is { } presets ? rules with { Presets = presets } : rules;
                    break;
                case "patterns":
                    rules = ReadPatterns(value, at, errors) is { } patterns ? rules with { Patterns = patterns } : rules;
                    break;
                case "mode":
                    rules = ReadMode(value, at, errors) is RedactionMode mode ? rules with { Mode = mode } : rules;
                    break;
                case "message":
                    rules = ReadBool(value, at, errors) is bool message ? rules with { Message = message } : rules;
                    break;
                case "attributes":
                    rules = ReadKeyList(value, at, errors, allowStar: true) is { } attributes ? rules with { Attributes = attributes } : rules;
                    break;
                default:
                    rules = ReadKeyList(value, at, errors, allowStar: false) is { } allow ? rules with { AllowAttributes = allow } : rules;
                    break;
            }
        }
        // Presets and patterns are checked by the redaction stage itself (RedactionSetup, through EventProcessor.Create):
        // calling it from here would make the rules and the redaction folders import each other.
        return rules;
    }

    private static List<CustomPattern>? ReadPatterns(YamlNode node, string path, Errors errors)
    {
        if (node is not YamlSequenceNode list)
        {
            errors.Add(path, "must be a list of { name, regex }");
            return null;
        }
        if (list.Children.Count > MaxPatterns)
        {
            errors.Add(path, $"has {list.Children.Count} patterns; at most {MaxPatterns} are allowed");
            return null;
        }
        var patterns = new List<CustomPattern>(list.Children.Count);
        for (int i = 0; i < list.Children.Count; i++)
        {
            string at = $"{path}[{i}]";
            if (!IsMapping(list.Children[i], at, errors, out var item))
            {
                continue;
            }
            string? name = null;
            string? regex = null;
            foreach (var (key, value) in Entries(item, at, ["name", "regex"], errors))
            {
                string? text = ReadString(value, Join(at, key), errors);
                if (key == "name")
                {
                    name = text;
                }
                else
                {
                    regex = text;
                }
            }
            Require(item, at, "name", errors);
            Require(item, at, "regex", errors);
            if (name is not null && regex is not null)
            {
                patterns.Add(new CustomPattern(name, regex));
            }
        }
        return patterns;
    }

    private static RedactionMode? ReadMode(YamlNode node, string path, Errors errors)
    {
        switch (ReadString(node, path, errors))
        {
            case "mask":
                return RedactionMode.Mask;
            case "hash":
                return RedactionMode.Hash;
            case "drop":
                return RedactionMode.Drop;
            case null:
                return null;
            default:
                errors.Add(path, "must be one of mask, hash, drop");
                return null;
        }
    }

    private static List<string>? ReadKeyList(YamlNode node, string path, Errors errors, bool allowStar)
    {
        if (ReadStringList(node, path, MaxAttributeKeys, errors) is not { } keys)
        {
            return null;
        }
        for (int i = 0; i < keys.Count; i++)
        {
            if (!allowStar && keys[i] == "*")
            {
                errors.Add($"{path}[{i}]", "'*' is not a key here; an empty list keeps every attribute");
            }
            else if (keys[i] != "*")
            {
                CheckAttributeKey(keys[i], $"{path}[{i}]", errors);
            }
        }
        return keys;
    }

    private static LimitsRules? ReadLimits(YamlNode node, string path, Errors errors)
    {
        if (!IsMapping(node, path, errors, out var section))
        {
            return null;
        }
        int? max = null;
        foreach (var (key, value) in Entries(section, path, ["maxAttributeValueBytes"], errors))
        {
            string at = Join(path, key);
            if (ReadNumber(value, at, errors) is double number)
            {
                if (number != Math.Floor(number) || number < LimitsRules.MinAttributeValueBytes || number > LimitsRules.MaxAttributeValueBytesBound)
                {
                    errors.Add(at, $"must be a whole number between {LimitsRules.MinAttributeValueBytes} and {LimitsRules.MaxAttributeValueBytesBound}");
                }
                else
                {
                    max = (int)number;
                }
            }
        }
        return new LimitsRules(max);
    }

    // --- node helpers -------------------------------------------------------------------------------------------

    /// <summary>The entries of a mapping with a known key set; unknown and non-text keys are reported and skipped.</summary>
    private static List<(string Key, YamlNode Value)> Entries(YamlMappingNode node, string path, string[] known, Errors errors)
    {
        var entries = new List<(string, YamlNode)>(node.Children.Count);
        foreach (var (keyNode, value) in node.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } key })
            {
                errors.Add(path.Length == 0 ? "$" : path, $"{Where(keyNode.Start)}keys must be non-empty names");
                continue;
            }
            if (Array.IndexOf(known, key) < 0)
            {
                errors.Add(Join(path, key), $"unknown key (expected {string.Join(", ", known)})");
                continue;
            }
            entries.Add((key, value));
        }
        return entries;
    }

    private static void Require(YamlMappingNode node, string path, string key, Errors errors)
    {
        if (!node.Children.ContainsKey(new YamlScalarNode(key)))
        {
            errors.Add(Join(path, key), "is required");
        }
    }

    private static bool IsMapping(YamlNode node, string path, Errors errors, out YamlMappingNode mapping)
    {
        if (node is YamlMappingNode found)
        {
            mapping = found;
            return true;
        }
        mapping = null!;
        errors.Add(path, "must be a mapping");
        return false;
    }

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string? ReadString(YamlNode node, string path, Errors errors)
    {
        if (node is YamlScalarNode { Value: { } text } && !IsNull(node))
        {
            if (text.Length == 0)
            {
                errors.Add(path, "must not be empty");
                return null;
            }
            return text;
        }
        errors.Add(path, IsNull(node) ? "must not be empty" : "must be a string");
        return null;
    }

    private static string? ReadAttributeKey(YamlNode node, string path, Errors errors) =>
        ReadString(node, path, errors) is { } key && CheckAttributeKey(key, path, errors) ? key : null;

    private static bool CheckAttributeKey(string key, string path, Errors errors)
    {
        if (key.Length == 0)
        {
            errors.Add(path, "must not be empty");
            return false;
        }
        if (key.Length > MaxKeyLength)
        {
            errors.Add(path, $"must be at most {MaxKeyLength} characters");
            return false;
        }
        return true;
    }

    private static List<string>? ReadStringList(YamlNode node, string path, int max, Errors errors)
    {
        if (node is not YamlSequenceNode list)
        {
            errors.Add(path, "must be a list of strings");
            return null;
        }
        if (list.Children.Count > max)
        {
            errors.Add(path, $"has {list.Children.Count} items; at most {max} are allowed");
            return null;
        }
        var values = new List<string>(list.Children.Count);
        bool valid = true;
        for (int i = 0; i < list.Children.Count; i++)
        {
            if (ReadString(list.Children[i], $"{path}[{i}]", errors) is { } value)
            {
                values.Add(value);
            }
            else
            {
                valid = false;
            }
        }
        return valid ? values : null;
    }

    private static bool? ReadBool(YamlNode node, string path, Errors errors)
    {
        if (node is YamlScalarNode { Value: { } text })
        {
            if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
            if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }
        errors.Add(path, "must be true or false");
        return null;
    }

    private static double? ReadNumber(YamlNode node, string path, Errors errors)
    {
        if (node is YamlScalarNode { Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            && double.IsFinite(number))
        {
            return number;
        }
        errors.Add(path, "must be a number");
        return null;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary>Collects errors up to a bound, so a huge bad document gives a readable answer.</summary>
    private sealed class Errors
    {
        private readonly List<RuleError> list = [];
        private bool truncated;

        public int Count => list.Count;

        public void Add(string path, string message)
        {
            if (list.Count < MaxErrors)
            {
                list.Add(new RuleError(path, message));
            }
            else if (!truncated)
            {
                truncated = true;
                list.Add(new RuleError("$", $"more than {MaxErrors} errors; fix these first"));
            }
        }

        public RulesParseResult Result() => new(null, list.ToArray());
    }
}
