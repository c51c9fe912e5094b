using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Go;
using LogDapr.DevSidecar.PubSub.Storage;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using LogDapr.Formats.Yaml;
using YamlDotNet.Core;

namespace LogDapr.DevSidecar.Components;

/// <summary>
/// Reads the same resource files daprd reads (<c>--resources-path</c>): every *.yaml/*.yml in each directory,
/// multi-document files included. Unknown kinds are reported as warnings rather than failing start-up,
/// as daprd does for kinds it does not load in self-hosted mode.
/// </summary>
public static class ResourceLoader
{
    public static ResourceSet Load(IEnumerable<string> paths)
    {
        var components = new List<ComponentResource>();
        var subscriptions = new List<SubscriptionResource>();
        var resiliencies = new List<(string, JsonNode)>();
        var warnings = new List<string>();

        foreach (var path in paths)
        {
            IEnumerable<string> files;
            if (File.Exists(path))
            {
                files = [path];
            }
            else if (Directory.Exists(path))
            {
                files = Directory.EnumerateFiles(path)
                    .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal);
            }
            else
            {
                throw new ResourceException($"resources path '{path}' does not exist");
            }

            foreach (var file in files)
            {
                IReadOnlyList<JsonNode?> documents;
                try
                {
                    using var reader = File.OpenText(file);
                    documents = YamlDocuments.ParseAsStrings(reader);
                }
                catch (YamlException ex)
                {
                    throw new ResourceException($"{file}: invalid YAML: {ex.Message}", ex);
                }

                foreach (var doc in documents)
                {
                    if (doc is null)
                    {
                        continue;
                    }

                    var kind = doc.GetString("kind");
                    var name = doc.Get("metadata").GetString("name");
                    switch (kind)
                    {
                        case "Component":
                            components.Add(ParseComponent(doc, RequireName(name, kind, file), file));
                            break;
                        case "Subscription":
                            subscriptions.Add(ParseSubscription(doc, RequireName(name, kind, file), file));
                            break;
                        case "Resiliency":
                            resiliencies.Add((RequireName(name, kind, file), doc.Get("spec") ?? new JsonObject()));
                            break;
                        case "Configuration":
                            warnings.Add($"{file}: Configuration '{name}' ignored (the development sidecar has no configuration features)");
                            break;
                        default:
                            warnings.Add($"{file}: document of kind '{kind ?? "(none)"}' ignored");
                            break;
                    }
                }
            }
        }

        var duplicate = components.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ResourceException($"component '{duplicate.Key}' is defined more than once ({string.Join(", ", duplicate.Select(c => c.SourceFile))})");
        }

        return new ResourceSet(components, subscriptions, resiliencies, warnings);
    }

    private static string RequireName(string? name, string kind, string file) =>
        string.IsNullOrWhiteSpace(name) ? throw new ResourceException($"{file}: {kind} without metadata.name") : name;

    private static ComponentResource ParseComponent(JsonNode doc, string name, string file)
    {
        var spec = doc.Get("spec");
        var type = spec.GetString("type");
        if (string.IsNullOrWhiteSpace(type))
        {
            throw new ResourceException($"{file}: component '{name}' has no spec.type");
        }

        var metadata = new List<MetadataItem>();
        foreach (var item in spec.GetArray("metadata"))
        {
            var itemName = item.GetString("name");
            if (string.IsNullOrEmpty(itemName))
            {
                throw new ResourceException($"{file}: component '{name}' has a metadata entry without a name");
            }

            var secretRef = item.Get("secretKeyRef");
            metadata.Add(secretRef is null
                ? new MetadataItem(itemName, JsonRead.AsString(item.Get("value")) ?? item.Get("value")?.ToJsonString() ?? "", null, null)
                : new MetadataItem(itemName, null, secretRef.GetString("name"), secretRef.GetString("key")));
        }

        return new ComponentResource(
            name,
            type,
            spec.GetString("version") ?? "v1",
            metadata,
            doc.Get("auth").GetString("secretStore"),
            Scopes(doc),
            file);
    }

    private static SubscriptionResource ParseSubscription(JsonNode doc, string name, string file)
    {
        var apiVersion = doc.GetString("apiVersion") ?? "dapr.io/v1alpha1";
        if (apiVersion is not ("dapr.io/v1alpha1" or "dapr.io/v2alpha1"))
        {
            throw new ResourceException($"{file}: Subscription '{name}' has unsupported apiVersion '{apiVersion}'");
        }

        var spec = SubscriptionSpecParser.Parse(doc.Get("spec"), out var error);
        if (spec is null)
        {
            throw new ResourceException($"{file}: Subscription '{name}': {error}");
        }

        return new SubscriptionResource(name, spec, Scopes(doc), file);
    }

    private static List<string> Scopes(JsonNode doc) =>
        doc.GetArray("scopes").Select(JsonRead.AsString).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!).ToList();
}
