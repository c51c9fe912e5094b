using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using LogDapr.Formats.Yaml;

namespace LogDapr.Operator.Tests.Support.ApiSchemas;

/// <summary>
/// The API schemas vendored under tests/schemas (see its README): Kubernetes' built-in kinds from the apiserver's
/// OpenAPI v3 documents, and the CRDs of Dapr, KEDA, the Prometheus Operator and LogDapr itself. An object is valid
/// when the schema of its apiVersion and kind accepts it, unknown fields included (see <see cref="OpenApiToJsonSchema"/>).
/// </summary>
public sealed class ApiSchemaCatalog
{
    private const string ObjectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    private static readonly Lazy<ApiSchemaCatalog> VendoredCatalog = new(Load);

    private static readonly EvaluationOptions ListErrors = new() { OutputFormat = OutputFormat.List };

    private readonly Dictionary<(string ApiVersion, string Kind), JsonSchema> schemas;

    private ApiSchemaCatalog(Dictionary<(string ApiVersion, string Kind), JsonSchema> schemas) => this.schemas = schemas;

    public static ApiSchemaCatalog Vendored => VendoredCatalog.Value;

    public static string SchemasDirectory => RepoPaths.Path("tests", "schemas");

    /// <summary>The Kubernetes version the built-in schemas are of (the folder under tests/schemas/kubernetes).</summary>
    public static string KubernetesVersion => Path.GetFileName(SingleVersionFolder("kubernetes"));

    public IReadOnlyCollection<(string ApiVersion, string Kind)> Kinds => schemas.Keys;

    /// <summary>
    /// What the schema of the object's kind says is wrong with it ("/spec/x: message" lines), empty when valid.
    /// A kind without a vendored schema is an error too, so a newly rendered kind cannot go unchecked.
    /// </summary>
    public IReadOnlyList<string> Validate(JsonObject obj)
    {
        var apiVersion = obj["apiVersion"]?.GetValue<string>() ?? "";
        var kind = obj["kind"]?.GetValue<string>() ?? "";
        if (!schemas.TryGetValue((apiVersion, kind), out var schema))
        {
            return [$"no schema vendored for {apiVersion} {kind} (add it to tools/scripts/vendor-test-schemas.py and tests/schemas)"];
        }

        // The API server reads an explicit null as an absent field (helm renders "annotations:" with nothing as null).
        using var document = JsonDocument.Parse(WithoutNulls(obj).ToJsonString());
        var results = schema.Evaluate(document.RootElement, ListErrors);
        if (results.IsValid)
        {
            return [];
        }
        var errors = (results.Details ?? [])
            .Prepend(results)
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({e.Key} at {d.EvaluationPath})"))
            .Distinct()
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no error details)"];
    }

    /// <summary>Every object that fails, as "Kind name: error" lines (for one assertion over many objects).</summary>
    public IReadOnlyList<string> Failures(IEnumerable<JsonObject> objects) =>
        objects.SelectMany(o => Validate(o).Select(e => $"{o["kind"]} {o["metadata"]?["name"]}: {e}")).ToList();

    private static JsonNode WithoutNulls(JsonNode node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Where(p => p.Value is not null).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)WithoutNulls(p.Value!)))),
        JsonArray array => new JsonArray([.. array.Select(i => i is null ? null : WithoutNulls(i))]),
        _ => node.DeepClone(),
    };

    private static string SingleVersionFolder(string source)
    {
        var folders = Directory.GetDirectories(Path.Combine(SchemasDirectory, source));
        return folders.Length == 1 ? folders[0] : throw new InvalidOperationException($"expected one version folder under tests/schemas/{source}, found {folders.Length}");
    }

    private static ApiSchemaCatalog Load()
    {
        var kubernetes = JsonNode.Parse(File.ReadAllText(Path.Combine(SingleVersionFolder("kubernetes"), "definitions.json")))!;
        var definitions = new JsonObject();
        foreach (var (name, definition) in kubernetes["definitions"]!.AsObject())
        {
            definitions[name] = OpenApiToJsonSchema.Builtin(definition!);
        }

        var schemas = new Dictionary<(string, string), JsonSchema>();
        foreach (var (key, definition) in kubernetes["kinds"]!.AsObject())
        {
            var slash = key.LastIndexOf('/');
            var (apiVersion, kind) = (key[..slash], key[(slash + 1)..]);
            var root = new JsonObject { ["$ref"] = OpenApiToJsonSchema.DefinitionsRefPrefix + definition!.GetValue<string>() };
            schemas[(apiVersion, kind)] = Build(apiVersion, kind, root, definitions);
        }

        var crdFiles = new[] { "dapr", "keda", "prometheus-operator" }
            .SelectMany(source => Directory.GetFiles(SingleVersionFolder(source), "*.yaml"))
            .Concat(Directory.GetFiles(RepoPaths.Path("charts", "logdapr", "files", "crds"), "*.yaml"));
        foreach (var file in crdFiles)
        {
            foreach (var crd in YamlDocuments.Parse(File.ReadAllText(file)).OfType<JsonObject>().Where(d => d["kind"]?.GetValue<string>() == "CustomResourceDefinition"))
            {
                var group = crd["spec"]!["group"]!.GetValue<string>();
                var kind = crd["spec"]!["names"]!["kind"]!.GetValue<string>();
                foreach (var version in crd["spec"]!["versions"]!.AsArray().OfType<JsonObject>().Where(v => v["served"]?.GetValue<bool>() != false))
                {
                    var root = OpenApiToJsonSchema.CustomResource(version["schema"]!["openAPIV3Schema"]!).AsObject();
                    // A CRD's schema says only "metadata: type: object"; the API server validates it as ObjectMeta.
                    root["properties"]!["metadata"] = new JsonObject { ["$ref"] = OpenApiToJsonSchema.DefinitionsRefPrefix + ObjectMeta };
                    var apiVersion = $"{group}/{version["name"]!.GetValue<string>()}";
                    schemas[(apiVersion, kind)] = Build(apiVersion, kind, root, definitions);
                }
            }
        }
        return new ApiSchemaCatalog(schemas);
    }

    private static JsonSchema Build(string apiVersion, string kind, JsonObject root, JsonObject definitions)
    {
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = definitions.DeepClone(),
            ["allOf"] = new JsonArray(
                root.DeepClone(),
                new JsonObject
                {
                    ["properties"] = new JsonObject
                    {
                        ["apiVersion"] = new JsonObject { ["const"] = apiVersion },
                        ["kind"] = new JsonObject { ["const"] = kind },
                    },
                    ["required"] = new JsonArray("apiVersion", "kind", "metadata"),
                }),
        };
        // The built schema keeps referring to this element, so it is a copy that is never disposed.
        var element = JsonSerializer.SerializeToElement(schema);
        var baseUri = new Uri($"https://schemas.logdapr.test/{apiVersion}/{kind}.json");
        return JsonSchema.Build(element, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, baseUri);
    }
}
