using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.ApiValidation;

/// <summary>
/// What the apiserver (and Dapr's sidecar injector) would refuse in an object the operator is about to apply, found
/// before anything is applied, so that one bad object does not leave a pipeline half applied. It covers what is
/// derived from user input: names per kind (a Service name is a DNS-1035 label, most others DNS-1123 subdomains:
/// kubernetes pkg/apis/core/validation ValidateServiceName and apimachinery ValidateObjectMeta), label keys and values
/// everywhere they appear (metadata, pod templates, selectors), annotation keys and their total size, container,
/// volume, port and environment variable names, and the Dapr app id (dapr/dapr pkg/validation ValidateKubernetesAppID:
/// "&lt;app id&gt;-dapr" must be a DNS-1123 label). The walk is over the JSON that is applied, so kinds added later
/// are checked by the same rules.
/// </summary>
public static class ObjectValidator
{
    public const string DaprAppIdAnnotation = "dapr.io/app-id";

    /// <summary>Every problem found, each naming the object and the field as the apiserver would; empty when none.</summary>
    public static IReadOnlyList<string> Validate(ResourceType type, JsonObject obj)
    {
        var problems = new List<string>();
        var name = obj["metadata"]?["name"] is JsonValue n && n.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : "";
        void Add(string path, string value, IEnumerable<string> details)
        {
            foreach (var detail in details)
            {
                problems.Add($"{type.Kind} \"{name}\": {path}: Invalid value: \"{value}\": {detail}");
            }
        }

        Add("metadata.name", name, name.Length == 0 ? ["name or generateName is required"] : NameProblems(type, name));
        if (type.Namespaced && obj["metadata"]?["namespace"] is JsonValue ns && ns.GetValueKind() == JsonValueKind.String)
        {
            Add("metadata.namespace", ns.GetValue<string>(), NameRules.Dns1123Label(ns.GetValue<string>()));
        }
        Walk(type, obj, "", Add);
        return problems;
    }

    /// <summary>The rule for an object's own name: a DNS-1035 label for Services, a DNS-1123 subdomain for the rest.</summary>
    public static IReadOnlyList<string> NameProblems(ResourceType type, string name) => (type.Group, type.Kind) switch
    {
        ("", "Service") => NameRules.Dns1035Label(name),
        ("", "Namespace") => NameRules.Dns1123Label(name),
        _ => NameRules.Dns1123Subdomain(name),
    };

    private static void Walk(ResourceType type, JsonNode? node, string path, Action<string, string, IEnumerable<string>> add)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    switch (key)
                    {
                        case "metadata" when value is JsonObject metadata:
                            CheckMetadata(metadata, childPath, add);
                            break;
                        case "matchLabels" when value is JsonObject labels:
                            CheckLabels(labels, childPath, add);
                            break;
                        case "selector" when path == "spec" && type.Group.Length == 0 && type.Kind == "Service" && value is JsonObject selector:
                            CheckLabels(selector, childPath, add);
                            break;
                        case "containers" or "initContainers" when value is JsonArray containers:
                            CheckContainers(containers, childPath, add);
                            break;
                        case "volumes" when value is JsonArray volumes:
                            CheckNamed(volumes, childPath, NameRules.Dns1123Label, add);
                            break;
                        case "ports" when path == "spec" && type.Group.Length == 0 && type.Kind == "Service" && value is JsonArray ports:
                            CheckServicePorts(ports, childPath, add);
                            break;
                    }
                    Walk(type, value, childPath, add);
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    Walk(type, array[i], $"{path}[{i}]", add);
                }
                break;
        }
    }

    private static void CheckMetadata(JsonObject metadata, string path, Action<string, string, IEnumerable<string>> add)
    {
        if (metadata["labels"] is JsonObject labels)
        {
            CheckLabels(labels, path + ".labels", add);
        }
        if (metadata["annotations"] is not JsonObject annotations)
        {
            return;
        }
        var total = 0L;
        foreach (var (key, value) in annotations)
        {
            // Keys are checked lower-cased, as ValidateAnnotations does.
            add($"{path}.annotations", key, NameRules.QualifiedName(key.ToLowerInvariant()));
            var text = StringOf(value);
            total += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(text);
            if (key == DaprAppIdAnnotation)
            {
                add($"{path}.annotations[{key}]", text,
                    NameRules.Dns1123Label(text + "-dapr").Select(p => $"Dapr's sidecar injector refuses this app id: the Service it creates, \"{text}-dapr\", is invalid: {p}"));
            }
        }
        if (total > NameRules.TotalAnnotationSizeLimit)
        {
            add($"{path}.annotations", "", [$"Too long: must have at most {NameRules.TotalAnnotationSizeLimit} bytes"]);
        }
    }

    private static void CheckLabels(JsonObject labels, string path, Action<string, string, IEnumerable<string>> add)
    {
        foreach (var (key, value) in labels)
        {
            add(path, key, NameRules.QualifiedName(key));
            var text = StringOf(value);
            add($"{path}[{key}]", text, NameRules.LabelValue(text));
        }
    }

    private static void CheckContainers(JsonArray containers, string path, Action<string, string, IEnumerable<string>> add)
    {
        CheckNamed(containers, path, NameRules.Dns1123Label, add);
        for (var i = 0; i < containers.Count; i++)
        {
            if (containers[i]?["ports"] is JsonArray ports)
            {
                CheckNamed(ports, $"{path}[{i}].ports", NameRules.PortName, add, optional: true);
            }
            if (containers[i]?["env"] is JsonArray env)
            {
                CheckNamed(env, $"{path}[{i}].env", NameRules.EnvVarName, add);
            }
        }
    }

    private static void CheckServicePorts(JsonArray ports, string path, Action<string, string, IEnumerable<string>> add)
    {
        for (var i = 0; i < ports.Count; i++)
        {
            var portName = ports[i]?["name"] is JsonNode nameNode ? StringOf(nameNode) : "";
            if (portName.Length > 0)
            {
                add($"{path}[{i}].name", portName, NameRules.Dns1123Label(portName));
            }
            else if (ports.Count > 1)
            {
                add($"{path}[{i}].name", "", ["Required value"]);
            }
            if (ports[i]?["targetPort"] is JsonValue target && target.GetValueKind() == JsonValueKind.String)
            {
                add($"{path}[{i}].targetPort", target.GetValue<string>(), NameRules.PortName(target.GetValue<string>()));
            }
        }
    }

    private static void CheckNamed(JsonArray items, string path, Func<string, IReadOnlyList<string>> rule, Action<string, string, IEnumerable<string>> add, bool optional = false)
    {
        for (var i = 0; i < items.Count; i++)
        {
            var itemName = items[i]?["name"] is JsonNode nameNode ? StringOf(nameNode) : null;
            if (itemName is null)
            {
                if (!optional)
                {
                    add($"{path}[{i}].name", "", ["Required value"]);
                }
                continue;
            }
            add($"{path}[{i}].name", itemName, rule(itemName));
        }
    }

    private static string StringOf(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : node?.ToJsonString() ?? "";
}
