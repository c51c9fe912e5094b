using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LogDapr.Aggregator.Routing.Routes;

/// <summary>
/// Reads a routes document (YAML, or JSON which is YAML) into a <see cref="RouteSet"/>. Every problem is reported with
/// its path; a document with any problem gives no routes at all, so a route set is never half-applied. Never throws on
/// bad input.
/// </summary>
public static partial class RoutesParser
{
    public const int MaxDocumentChars = 256 * 1024;
    public const int MaxRoutes = 64;
    public const int MaxConditionChars = 4096;
    public const int MaxMetadataEntries = 16;
    public const int MaxMetadataKeyChars = 128;
    public const int MaxMetadataValueChars = 1024;
    public const string DefaultOperation = "create";

    /// <summary>
    /// The request metadata key that carries each call's idempotency key. A capital first letter because the HTTP
    /// binding turns only such keys into request headers (components-contrib v1.16 bindings/http/http.go Invoke).
    /// </summary>
    public const string IdempotencyKeyMetadata = "Idempotency-Key";

    private static readonly HashSet<string> RouteKeys = new(StringComparer.Ordinal) { "name", "when", "binding", "operation", "metadata" };

    public static (RouteSet? Routes, IReadOnlyList<RouteError> Errors) Parse(string text, IRouteConditionCompiler conditions)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(conditions);
        var errors = new List<RouteError>();
        if (text.Length > MaxDocumentChars)
        {
            return (null, [new RouteError("", $"the document has {text.Length} characters, more than the {MaxDocumentChars} allowed")]);
        }

        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count > 1)
            {
                return (null, [new RouteError("", "expected one document, found several")]);
            }

            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        }
        catch (YamlException ex)
        {
            return (null, [new RouteError("", $"line {ex.Start.Line}, column {ex.Start.Column}: {ex.Message}")]);
        }

        if (root is null || IsNull(root))
        {
            return (new RouteSet([], text), []);
        }

        if (root is not YamlMappingNode top)
        {
            return (null, [new RouteError("", "expected a mapping with the key 'routes'")]);
        }

        YamlSequenceNode? list = null;
        foreach (var (keyNode, value) in top.Children)
        {
            var key = Scalar(keyNode);
            if (key == "routes")
            {
                if (IsNull(value))
                {
                    continue;
                }

                list = value as YamlSequenceNode;
                if (list is null)
                {
                    errors.Add(new RouteError("routes", "expected a list of routes"));
                }
            }
            else
            {
                errors.Add(new RouteError(key ?? "", "unknown key (expected 'routes')"));
            }
        }

        var routes = new List<Route>();
        if (list is not null)
        {
            if (list.Children.Count > MaxRoutes)
            {
                errors.Add(new RouteError("routes", $"{list.Children.Count} routes, more than the {MaxRoutes} allowed"));
            }
            else
            {
                var names = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < list.Children.Count; i++)
                {
                    if (ParseRoute(list.Children[i], $"routes[{i}]", conditions, errors) is { } route)
                    {
                        if (names.Add(route.Name))
                        {
                            routes.Add(route);
                        }
                        else
                        {
                            errors.Add(new RouteError($"routes[{i}].name", $"'{route.Name}' is the name of an earlier route; names must be unique"));
                        }
                    }
                }
            }
        }

        return errors.Count > 0 ? (null, errors) : (new RouteSet(routes, text), []);
    }

    private static Route? ParseRoute(YamlNode node, string path, IRouteConditionCompiler conditions, List<RouteError> errors)
    {
        if (node is not YamlMappingNode map)
        {
            errors.Add(new RouteError(path, "expected a mapping with name, binding and optionally when, operation, metadata"));
            return null;
        }

        var before = errors.Count;
        string? name = null, when = null, binding = null, operation = null;
        Func<Contracts.Events.LogEvent, bool>? match = null;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            var key = Scalar(keyNode) ?? "";
            var at = $"{path}.{key}";
            switch (key)
            {
                case "name":
                    name = Text(value, at, errors);
                    if (name is not null && !NamePattern().IsMatch(name))
                    {
                        errors.Add(new RouteError(at, $"'{Clip(name)}' is not a route name: lowercase letters, digits and '-', 1 to 63 characters"));
                    }

                    break;
                case "when":
                    if (IsNull(value))
                    {
                        break;
                    }

                    when = Text(value, at, errors);
                    if (when is null)
                    {
                        break;
                    }

                    if (when.Length > MaxConditionChars)
                    {
                        errors.Add(new RouteError(at, $"{when.Length} characters, more than the {MaxConditionChars} a condition may have"));
                    }
                    else if (string.IsNullOrWhiteSpace(when))
                    {
                        errors.Add(new RouteError(at, "empty condition (leave 'when' out to route every event)"));
                    }
                    else
                    {
                        (match, var error) = conditions.Compile(when);
                        if (match is null)
                        {
                            errors.Add(new RouteError(at, error ?? "invalid condition"));
                        }
                    }

                    break;
                case "binding":
                    binding = Text(value, at, errors);
                    if (binding is not null && !BindingPattern().IsMatch(binding))
                    {
                        errors.Add(new RouteError(at, $"'{Clip(binding)}' is not a Dapr component name: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters"));
                    }

                    break;
                case "operation":
                    operation = Text(value, at, errors);
                    if (operation is not null && !OperationPattern().IsMatch(operation))
                    {
                        errors.Add(new RouteError(at, $"'{Clip(operation)}' is not a binding operation: lowercase letters, 1 to 32"));
                    }

                    break;
                case "metadata":
                    ParseMetadata(value, at, metadata, errors);
                    break;
                default:
                    errors.Add(new RouteError(at, "unknown key (expected name, when, binding, operation, metadata)"));
                    break;
            }
        }

        if (name is null && !map.Children.Keys.Any(k => Scalar(k) == "name"))
        {
            errors.Add(new RouteError($"{path}.name", "required"));
        }

        if (binding is null && !map.Children.Keys.Any(k => Scalar(k) == "binding"))
        {
            errors.Add(new RouteError($"{path}.binding", "required"));
        }

        return errors.Count > before || name is null || binding is null
            ? null
            : new Route(name, when, match ?? (static _ => true), binding, operation ?? DefaultOperation, metadata);
    }

    private static void ParseMetadata(YamlNode value, string path, Dictionary<string, string> metadata, List<RouteError> errors)
    {
        if (IsNull(value))
        {
            return;
        }

        if (value is not YamlMappingNode map)
        {
            errors.Add(new RouteError(path, "expected a mapping of strings"));
            return;
        }

        if (map.Children.Count > MaxMetadataEntries)
        {
            errors.Add(new RouteError(path, $"{map.Children.Count} entries, more than the {MaxMetadataEntries} allowed"));
            return;
        }

        foreach (var (keyNode, entry) in map.Children)
        {
            var key = Scalar(keyNode) ?? "";
            var at = $"{path}.{key}";
            if (key.Length is 0 or > MaxMetadataKeyChars)
            {
                errors.Add(new RouteError(at, $"a metadata key has 1 to {MaxMetadataKeyChars} characters"));
                continue;
            }

            if (string.Equals(key, IdempotencyKeyMetadata, StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new RouteError(at, $"'{IdempotencyKeyMetadata}' is set by the router on every call and cannot be configured"));
                continue;
            }

            if (Text(entry, at, errors) is not { } text)
            {
                continue;
            }

            if (text.Length > MaxMetadataValueChars)
            {
                errors.Add(new RouteError(at, $"{text.Length} characters, more than the {MaxMetadataValueChars} a metadata value may have"));
                continue;
            }

            metadata[key] = text;
        }
    }

    private static string? Text(YamlNode node, string path, List<RouteError> errors)
    {
        if (node is YamlScalarNode { Value: { } value } && !IsNull(node))
        {
            return value;
        }

        errors.Add(new RouteError(path, "expected a string"));
        return null;
    }

    private static string? Scalar(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value : null;

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Clip(string text) => text.Length <= 64 ? text : text[..64] + "…";

    [GeneratedRegex("^[a-z0-9-]{1,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex BindingPattern();

    [GeneratedRegex("^[a-z]{1,32}$", RegexOptions.CultureInvariant)]
    private static partial Regex OperationPattern();
}
