using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Tests.Support.Fakes;

/// <summary>
/// What a Dapr installation puts into a cluster that the operator can see: the CRDs of the kinds it renders
/// (components.dapr.io, subscriptions.dapr.io, resiliencies.dapr.io) and the sidecar injector's
/// MutatingWebhookConfiguration, labelled app.kubernetes.io/version by Dapr's Helm chart (global.k8sLabels in
/// dapr/dapr v1.16.0 charts/dapr/values.yaml). The CRDs are Dapr's own (dapr/dapr v1.16.19 charts/dapr/crds, the
/// copies the schema tests validate against); tests change them to play older or broken installations.
/// </summary>
public static class DaprInstallation
{
    public static readonly ResourceType Crds = KnownResources.CustomResourceDefinitions;
    public static readonly ResourceType Webhooks = KnownResources.MutatingWebhookConfigurations;

    public const string InjectorWebhook = "dapr-sidecar-injector";
    public static readonly string[] CrdNames = ["components.dapr.io", "subscriptions.dapr.io", "resiliencies.dapr.io"];

    /// <summary>Installs Dapr's CRDs and injector webhook; <paramref name="version"/> null leaves the version label off.</summary>
    public static void Install(FakeApiServer server, string? version = "1.16.0")
    {
        foreach (var crd in CrdFiles.SelectMany(file => YamlDocuments.Parse(File.ReadAllText(file))).OfType<JsonObject>())
        {
            server.Create(Crds, crd, "helm");
        }
        server.Create(Webhooks, Webhook(version), "helm");
        foreach (var type in DaprTypes)
        {
            server.Uninstalled.TryRemove(type, out _);
        }
    }

    /// <summary>Dapr's own CRDs, as vendored for the schema tests (tests/schemas/README.md).</summary>
    private static IEnumerable<string> CrdFiles =>
        new[] { "components.yaml", "subscription.yaml", "resiliency.yaml" }.Select(file => RepoPaths.Path("tests", "schemas", "dapr", "v1.16.19", file));

    private static ResourceType[] DaprTypes => [KnownResources.DaprComponents, KnownResources.DaprSubscriptions, KnownResources.DaprResiliencies];

    /// <summary>Removes everything <see cref="Install"/> created (an uninstall, or Dapr never installed).</summary>
    public static void Uninstall(FakeApiServer server)
    {
        foreach (var name in CrdNames)
        {
            if (server.TryGet(Crds, null, name) is not null)
            {
                server.Delete(Crds, null, name);
            }
        }
        if (server.TryGet(Webhooks, null, InjectorWebhook) is not null)
        {
            server.Delete(Webhooks, null, InjectorWebhook);
        }
        // Without their CRDs the API server no longer serves the Dapr kinds at all.
        foreach (var type in DaprTypes)
        {
            server.Uninstalled[type] = true;
        }
    }

    /// <summary>Sets (or with null removes) the injector's version label, as a Dapr upgrade with Helm would.</summary>
    public static void SetVersion(FakeApiServer server, string? version)
    {
        var webhook = server.Get(Webhooks, null, InjectorWebhook);
        var labels = webhook["metadata"]!["labels"]!.AsObject();
        if (version is null)
        {
            labels.Remove("app.kubernetes.io/version");
        }
        else
        {
            labels["app.kubernetes.io/version"] = version;
        }
        server.Update(Webhooks, webhook, "helm");
    }

    /// <summary>Edits one installed CRD (e.g. drops a schema property, as an older Dapr's CRD lacks it).</summary>
    public static void EditCrd(FakeApiServer server, string name, Action<JsonObject> edit)
    {
        var crd = server.Get(Crds, null, name);
        edit(crd);
        server.Update(Crds, crd, "helm");
    }

    /// <summary>The openAPIV3Schema of a served version of an installed CRD.</summary>
    public static JsonObject Schema(JsonObject crd, string version) =>
        crd["spec"]!["versions"]!.AsArray().OfType<JsonObject>().Single(v => v["name"]!.GetValue<string>() == version)["schema"]!["openAPIV3Schema"]!.AsObject();

    private static JsonObject Webhook(string? version)
    {
        var labels = new JsonObject
        {
            ["app"] = "dapr-sidecar-injector",
            ["app.kubernetes.io/name"] = "dapr",
            ["app.kubernetes.io/part-of"] = "dapr",
            ["app.kubernetes.io/managed-by"] = "Helm",
            ["app.kubernetes.io/component"] = "sidecar-injector",
        };
        if (version is not null)
        {
            labels["app.kubernetes.io/version"] = version;
        }
        return new JsonObject
        {
            ["apiVersion"] = Webhooks.ApiVersion,
            ["kind"] = Webhooks.Kind,
            ["metadata"] = new JsonObject { ["name"] = InjectorWebhook, ["labels"] = labels },
            ["webhooks"] = new JsonArray(new JsonObject
            {
                ["name"] = "sidecar-injector.dapr.io",
                ["clientConfig"] = new JsonObject { ["service"] = new JsonObject { ["namespace"] = "dapr-system", ["name"] = "dapr-sidecar-injector", ["path"] = "/mutate" } },
            }),
        };
    }
}
