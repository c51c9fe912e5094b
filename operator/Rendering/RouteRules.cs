using System.Text.Json.Nodes;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The one place the router's routes document is produced from spec.routes: <c>{"routes":[...]}</c> with each route's
/// binding replaced by the name of its component (<see cref="ResourceNames.RouteBindingComponent"/>), keys in ordinal
/// order so the same spec always gives the same bytes (and checksum). The router reads it with its RoutesParser; what
/// the CRD schema cannot check (a route naming an undeclared binding, a condition the expression parser refuses, the
/// metadata bounds of a map) is checked here by <see cref="Problems"/>, with the router's own expression parser.
/// </summary>
public static class RouteRules
{
    /// <summary>The ConfigMap key (JSON is YAML, so the router's parser reads it).</summary>
    public const string FileName = "routes.yaml";

    /// <summary>Where the ConfigMap is mounted in the router.</summary>
    public const string MountDirectory = "/etc/logdapr/routes";

    public const string FilePath = MountDirectory + "/" + FileName;

    /// <summary>
    /// SHA-256 of the routes document on the router's pod template. The router re-reads the file while it runs, but
    /// the kubelet refreshes a mounted ConfigMap only after its sync period (a minute or more), so the rollout makes a
    /// change apply at a known point; it rolls only the router.
    /// </summary>
    public const string ChecksumAnnotation = "logdapr.io/routes-checksum";

    /// <summary>The condition reason when spec.routes is refused (nothing applied).</summary>
    public const string InvalidReason = "InvalidRoutes";

    /// <summary>Set by the router on every call (RoutesParser.IdempotencyKeyMetadata); a route cannot configure it.</summary>
    public const string IdempotencyKeyMetadata = "Idempotency-Key";

    /// <summary>Every problem with its path under spec.routes, or null when the router will accept the document.</summary>
    public static string? Problems(RoutesSpec routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var errors = new List<string>();
        var bindings = new HashSet<string>(StringComparer.Ordinal);
        var declared = routes.Bindings ?? [];
        for (var i = 0; i < declared.Count; i++)
        {
            var binding = declared[i];
            if (!bindings.Add(binding.Name))
            {
                errors.Add($"spec.routes.bindings[{i}].name: '{binding.Name}' is the name of an earlier binding; names must be unique");
            }
            var metadata = binding.Metadata ?? [];
            for (var m = 0; m < metadata.Count; m++)
            {
                if ((metadata[m].Value is null) == (metadata[m].SecretKeyRef is null))
                {
                    errors.Add($"spec.routes.bindings[{i}].metadata[{m}] ({metadata[m].Name}): needs exactly one of value and secretKeyRef");
                }
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var list = routes.Routes ?? [];
        if (list.Count == 0)
        {
            errors.Add("spec.routes.routes: at least one route is needed (leave spec.routes out for none)");
        }
        for (var i = 0; i < list.Count; i++)
        {
            var route = list[i];
            var at = $"spec.routes.routes[{i}]";
            if (!names.Add(route.Name))
            {
                errors.Add($"{at}.name: '{route.Name}' is the name of an earlier route; names must be unique");
            }
            if (!bindings.Contains(route.Binding))
            {
                errors.Add($"{at}.binding: '{route.Binding}' is not one of spec.routes.bindings ({string.Join(", ", declared.Select(b => b.Name))})");
            }
            if (route.When is { } when)
            {
                if (string.IsNullOrWhiteSpace(when))
                {
                    errors.Add($"{at}.when: empty condition (leave when out to route every event)");
                }
                else if (!LogDapr.Processing.Expressions.Condition.TryParse(when, out _, out var error))
                {
                    errors.Add($"{at}.when: {error}");
                }
            }
            var metadata = route.Metadata ?? [];
            if (metadata.Count > RoutesSpec.MaxMetadataEntries)
            {
                errors.Add($"{at}.metadata: {metadata.Count} entries, more than the {RoutesSpec.MaxMetadataEntries} allowed");
            }
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (key.Length is 0 or > RoutesSpec.MaxMetadataKeyChars)
                {
                    errors.Add($"{at}.metadata: a key has 1 to {RoutesSpec.MaxMetadataKeyChars} characters");
                }
                else if (string.Equals(key, IdempotencyKeyMetadata, StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{at}.metadata.{key}: '{IdempotencyKeyMetadata}' is set by the router on every call and cannot be configured");
                }
                else if (value is null)
                {
                    errors.Add($"{at}.metadata.{key}: expected a string");
                }
                else if (value.Length > RoutesSpec.MaxMetadataValueChars)
                {
                    errors.Add($"{at}.metadata.{key}: {value.Length} characters, more than the {RoutesSpec.MaxMetadataValueChars} a metadata value may have");
                }
            }
        }

        return errors.Count == 0 ? null : "spec.routes is invalid, nothing was applied: " + string.Join("; ", errors);
    }

    /// <summary>The routes document of <paramref name="routes"/>, as JSON with sorted keys.</summary>
    public static string Json(RoutesSpec routes, ResourceNames names)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(names);
        var list = new JsonArray();
        foreach (var route in routes.Routes)
        {
            var node = new JsonObject
            {
                ["binding"] = names.RouteBindingComponent(route.Binding),
            };
            if (route.Metadata is { Count: > 0 } metadata)
            {
                node["metadata"] = new JsonObject(metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value)));
            }
            node["name"] = route.Name;
            if (route.Operation is { } operation)
            {
                node["operation"] = operation;
            }
            if (route.When is { } when)
            {
                node["when"] = when;
            }
            list.Add(node);
        }
        return new JsonObject { ["routes"] = list }.ToJsonString(MountedDocument.Compact);
    }
}
