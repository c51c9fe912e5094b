using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;

namespace LogDapr.Operator.Tests.Support.ApiSchemas;

/// <summary>
/// The metadata each Dapr component accepts, from components-contrib's metadata.yaml files vendored under
/// tests/schemas/components-contrib (the files Dapr's docs and `dapr` tooling are generated from): a Component's
/// spec.type and spec.version must be one of them, and every spec.metadata name must be one the component declares,
/// in its own list, an authentication profile, or a built-in authentication profile it names.
/// </summary>
public sealed class ComponentMetadataCatalog
{
    /// <summary>
    /// Metadata daprd itself reads from every pub/sub component, before the component sees it (topic scoping,
    /// dapr/dapr pkg/scopes/scopes.go), so components-contrib does not declare it.
    /// </summary>
    public static readonly IReadOnlySet<string> RuntimePubSubMetadata = new HashSet<string>(StringComparer.Ordinal)
    {
        "allowedTopics", "protectedTopics", "publishingScopes", "subscriptionScopes",
    };

    /// <summary>
    /// Names a component reads that its metadata.yaml does not declare, each checked in the component's code:
    /// pubsub.jetstream reads "concurrencyMode" (pubsub.ConcurrencyKey) in parseMetadata
    /// (components-contrib v1.16.13 pubsub/jetstream/metadata.go, line 130), while metadata.yaml lists only the
    /// mapstructure field "concurrency".
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> ReadButUndeclared = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
    {
        ["pubsub.jetstream"] = new HashSet<string>(StringComparer.Ordinal) { "concurrencyMode" },
    };

    private static readonly Lazy<ComponentMetadataCatalog> VendoredCatalog = new(Load);

    private readonly Dictionary<string, (string Version, HashSet<string> Names)> components;

    private ComponentMetadataCatalog(Dictionary<string, (string Version, HashSet<string> Names)> components) => this.components = components;

    public static ComponentMetadataCatalog Vendored => VendoredCatalog.Value;

    public IReadOnlyCollection<string> Types => components.Keys;

    /// <summary>What is wrong with a dapr.io Component's type, version and metadata names; empty when nothing.</summary>
    public IReadOnlyList<string> Validate(JsonObject component)
    {
        var spec = component["spec"]!;
        var type = spec["type"]?.GetValue<string>() ?? "";
        if (!components.TryGetValue(type, out var declared))
        {
            return [$"no components-contrib metadata vendored for {type}"];
        }
        var errors = new List<string>();
        var version = spec["version"]?.GetValue<string>();
        if (version != declared.Version)
        {
            errors.Add($"{type} version {version} is not the vendored {declared.Version}");
        }
        foreach (var name in spec["metadata"]!.AsArray().Select(m => m!["name"]!.GetValue<string>()))
        {
            var runtime = type.StartsWith("pubsub.", StringComparison.Ordinal) && RuntimePubSubMetadata.Contains(name);
            var readAnyway = ReadButUndeclared.TryGetValue(type, out var extra) && extra.Contains(name);
            if (!runtime && !readAnyway && !declared.Names.Contains(name))
            {
                errors.Add($"{type} has no metadata named {name}");
            }
        }
        return errors;
    }

    private static ComponentMetadataCatalog Load()
    {
        var folder = Directory.GetDirectories(Path.Combine(ApiSchemaCatalog.SchemasDirectory, "components-contrib")).Single();
        var builtinProfiles = YamlDocuments.Parse(File.ReadAllText(Path.Combine(folder, "builtin-authentication-profiles.yaml")))[0]!.AsObject();
        var components = new Dictionary<string, (string, HashSet<string>)>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*.yaml").Where(f => Path.GetFileName(f) != "builtin-authentication-profiles.yaml"))
        {
            var metadata = YamlDocuments.Parse(File.ReadAllText(file))[0]!;
            var names = new HashSet<string>(StringComparer.Ordinal);
            AddNames(names, metadata["metadata"]);
            foreach (var profile in metadata["authenticationProfiles"]?.AsArray() ?? [])
            {
                AddNames(names, profile!["metadata"]);
            }
            foreach (var builtin in metadata["builtinAuthenticationProfiles"]?.AsArray() ?? [])
            {
                AddNames(names, builtin!["metadata"]);
                foreach (var profile in builtinProfiles[builtin["name"]!.GetValue<string>()]?.AsArray() ?? [])
                {
                    AddNames(names, profile!["metadata"]);
                }
            }
            // The file is named after the component type Dapr registers it as (metadata.yaml's name can be an alias).
            components[Path.GetFileNameWithoutExtension(file)] = (metadata["version"]!.GetValue<string>(), names);
        }
        return new ComponentMetadataCatalog(components);
    }

    private static void AddNames(HashSet<string> names, JsonNode? list)
    {
        foreach (var item in list?.AsArray() ?? [])
        {
            names.Add(item!["name"]!.GetValue<string>());
        }
    }
}
