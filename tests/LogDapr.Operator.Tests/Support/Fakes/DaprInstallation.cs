using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Tests.Support.Fakes;

/// <summary>
/// What a Dapr installation puts into a cluster that the operator can see: the CRDs of the kinds it renders
/// (components.dapr.io, subscriptions.dapr.io, resiliencies.dapr.io) and the sidecar injector's
/// MutatingWebhookConfiguration, labelled app.kubernetes.io/version by Dapr's Helm chart (global.k8sLabels in
/// dapr/dapr v1.16.0 charts/dapr/values.yaml). The schemas are trimmed by hand to the structure of
/// dapr/dapr v1.16.0 charts/dapr/crds/*.yaml (descriptions and unrelated fields left out); tests change them to
/// play older or broken installations.
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
        foreach (var crd in YamlDocuments.Parse(CrdYaml).OfType<JsonObject>())
        {
            server.Create(Crds, crd, "helm");
        }
        server.Create(Webhooks, Webhook(version), "helm");
        foreach (var type in DaprTypes)
        {
            server.Uninstalled.TryRemove(type, out _);
        }
    }

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

    private const string CrdYaml = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: components.dapr.io, labels: {app.kubernetes.io/part-of: dapr}}
        spec:
          group: dapr.io
          names: {kind: Component, plural: components, singular: component}
          scope: Namespaced
          versions:
          - name: v1alpha1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  apiVersion: {type: string}
                  kind: {type: string}
                  metadata: {type: object}
                  auth:
                    type: object
                    properties: {secretStore: {type: string}}
                  scopes:
                    type: array
                    items: {type: string}
                  spec:
                    type: object
                    required: [metadata, type, version]
                    properties:
                      ignoreErrors: {type: boolean}
                      initTimeout: {type: string}
                      type: {type: string}
                      version: {type: string}
                      metadata:
                        type: array
                        items:
                          type: object
                          required: [name]
                          properties:
                            name: {type: string}
                            envRef: {type: string}
                            value: {x-kubernetes-preserve-unknown-fields: true}
                            secretKeyRef:
                              type: object
                              properties:
                                key: {type: string}
                                name: {type: string}
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: subscriptions.dapr.io, labels: {app.kubernetes.io/part-of: dapr}}
        spec:
          group: dapr.io
          names: {kind: Subscription, plural: subscriptions, singular: subscription}
          scope: Namespaced
          versions:
          - name: v1alpha1
            served: true
            storage: false
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  apiVersion: {type: string}
                  kind: {type: string}
                  metadata: {type: object}
                  scopes: {type: array, items: {type: string}}
                  spec:
                    type: object
                    properties:
                      pubsubname: {type: string}
                      topic: {type: string}
                      route: {type: string}
                      deadLetterTopic: {type: string}
          - name: v2alpha1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  apiVersion: {type: string}
                  kind: {type: string}
                  metadata: {type: object}
                  scopes: {type: array, items: {type: string}}
                  spec:
                    type: object
                    required: [pubsubname, routes, topic]
                    properties:
                      pubsubname: {type: string}
                      topic: {type: string}
                      deadLetterTopic: {type: string}
                      metadata: {type: object, additionalProperties: {type: string}}
                      bulkSubscribe:
                        type: object
                        required: [enabled]
                        properties:
                          enabled: {type: boolean}
                          maxAwaitDurationMs: {type: integer, format: int32}
                          maxMessagesCount: {type: integer, format: int32}
                      routes:
                        type: object
                        properties:
                          default: {type: string}
                          rules:
                            type: array
                            items:
                              type: object
                              properties:
                                match: {type: string}
                                path: {type: string}
        ---
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: resiliencies.dapr.io, labels: {app.kubernetes.io/part-of: dapr}}
        spec:
          group: dapr.io
          names: {kind: Resiliency, plural: resiliencies, singular: resiliency}
          scope: Namespaced
          versions:
          - name: v1alpha1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  apiVersion: {type: string}
                  kind: {type: string}
                  metadata: {type: object}
                  scopes: {type: array, items: {type: string}}
                  spec:
                    type: object
                    required: [policies, targets]
                    properties:
                      policies:
                        type: object
                        properties:
                          timeouts:
                            type: object
                            additionalProperties: {type: string}
                          retries:
                            type: object
                            additionalProperties:
                              type: object
                              properties:
                                policy: {type: string}
                                duration: {type: string}
                                maxInterval: {type: string}
                                maxRetries: {type: integer}
                                matching:
                                  type: object
                                  properties:
                                    httpStatusCodes: {type: string}
                                    gRPCStatusCodes: {type: string}
                          circuitBreakers:
                            type: object
                            additionalProperties:
                              type: object
                              properties:
                                maxRequests: {type: integer}
                                interval: {type: string}
                                timeout: {type: string}
                                trip: {type: string}
                      targets:
                        type: object
                        properties:
                          apps:
                            type: object
                            additionalProperties:
                              type: object
                              properties:
                                timeout: {type: string}
                                retry: {type: string}
                                circuitBreaker: {type: string}
                                circuitBreakerCacheSize: {type: integer}
                          components:
                            type: object
                            additionalProperties:
                              type: object
                              properties:
                                inbound:
                                  type: object
                                  properties:
                                    timeout: {type: string}
                                    retry: {type: string}
                                    circuitBreaker: {type: string}
                                outbound:
                                  type: object
                                  properties:
                                    timeout: {type: string}
                                    retry: {type: string}
                                    circuitBreaker: {type: string}
        """;
}
