using System.Text.Json.Nodes;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>spec.routes: the route binding components, the routes ConfigMap, the router's Deployment, Subscription and scopes.</summary>
public sealed class RoutesRenderingTests
{
    private const string Base = "  pubsub:\n    type: redis\n    topic: logs\n    redis: {host: \"redis:6379\", passwordSecretKeyRef: {name: redis, key: password}}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n";

    private const string Routes = """
          routes:
            replicas: 2
            bindings:
              - name: hook
                type: bindings.http
                metadata:
                  - {name: url, value: "https://hooks.example/logs"}
                  - {name: securityToken, secretKeyRef: {name: hook-token, key: token}}
              - name: archive
                type: bindings.aws.s3
                version: v1
                metadata:
                  - {name: bucket, value: tenant-y}
            routes:
              - name: x-errors
                when: 'tenant_id == "x" and severity >= error'
                binding: hook
                metadata: {path: /errors, Content-Type: application/json}
              - name: y-all
                when: 'tenant_id == "y"'
                binding: archive
                operation: create

        """;

    private static RenderResult RenderSpec(string extra = "") => Render(Pipeline(Base + extra));

    private static string? Value(Dictionary<string, JsonObject> env, string name) => env.TryGetValue(name, out var e) ? e["value"]?.GetValue<string>() : null;

    private static List<string> Names(RenderResult result) => result.Objects.Select(o => $"{o.Type.Kind}/{o.Name}").ToList();

    [Fact]
    public void Each_binding_is_a_component_loaded_by_the_router_only_with_its_type_version_and_secret_references()
    {
        var result = RenderSpec(Routes);
        var hook = Find(result, KnownResources.DaprComponents, "p-route-hook");
        Assert.Equal("bindings.http", hook["spec"]!["type"]!.GetValue<string>());
        Assert.Equal("v1", hook["spec"]!["version"]!.GetValue<string>());
        Assert.Equal(["p-router"], Scopes(hook));
        Assert.Equal("https://hooks.example/logs", ComponentMetadata(hook)["url"]);
        var token = hook["spec"]!["metadata"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == "securityToken")!;
        Assert.Equal("hook-token", token["secretKeyRef"]!["name"]!.GetValue<string>());
        Assert.Null(token["value"]);
        // The Secret is a precondition the controller checks, like every other referenced Secret.
        Assert.Contains(result.SecretReferences, s => s.SecretName == "hook-token" && s.Key == "token" && s.FieldPath == "spec.routes.bindings[0].metadata[1].secretKeyRef");

        var archive = Find(result, KnownResources.DaprComponents, "p-route-archive");
        Assert.Equal("bindings.aws.s3", archive["spec"]!["type"]!.GetValue<string>());
        Assert.Equal(["p-router"], Scopes(archive));
    }

    [Fact]
    public void Routes_document_names_the_components_and_is_what_the_router_mounts_with_its_checksum()
    {
        var result = RenderSpec(Routes);
        var text = Find(result, KnownResources.ConfigMaps, "p-routes")["data"]![RouteRules.FileName]!.GetValue<string>();
        var routes = JsonNode.Parse(text)!["routes"]!.AsArray();
        Assert.Equal(2, routes.Count);
        Assert.Equal(["binding", "metadata", "name", "when"], routes[0]!.AsObject().Select(p => p.Key));
        Assert.Equal("p-route-hook", routes[0]!["binding"]!.GetValue<string>());
        Assert.Equal("tenant_id == \"x\" and severity >= error", routes[0]!["when"]!.GetValue<string>());
        Assert.Equal(["Content-Type", "path"], routes[0]!["metadata"]!.AsObject().Select(p => p.Key));
        Assert.Equal("p-route-archive", routes[1]!["binding"]!.GetValue<string>());
        Assert.Equal("create", routes[1]!["operation"]!.GetValue<string>());

        var router = Find(result, KnownResources.Deployments, "p-router");
        var pod = router["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        Assert.Equal("router", container["name"]!.GetValue<string>());
        Assert.Equal(2, router["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("p-router", Annotation(router, "dapr.io/app-id"));
        Assert.Equal(MountedDocument.Checksum(text), Annotation(router, RouteRules.ChecksumAnnotation));
        var env = Env(router);
        Assert.Equal("Router", Value(env, "Aggregator__Role"));
        Assert.Equal("/etc/logdapr/routes/routes.yaml", Value(env, "Routing__RoutesFile"));
        Assert.Equal("logs", Value(env, "Pipeline__Topic"));
        var mount = container["volumeMounts"]!.AsArray().Single(m => m!["mountPath"]!.GetValue<string>() == RouteRules.MountDirectory)!;
        Assert.True(mount["readOnly"]!.GetValue<bool>());
        var volume = pod["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == mount["name"]!.GetValue<string>())!;
        Assert.Equal("p-routes", volume["configMap"]!["name"]!.GetValue<string>());
        Assert.Contains("Service/p-router", Names(result));
        Assert.Contains("PodDisruptionBudget/p-router", Names(result));
    }

    [Fact]
    public void Router_subscribes_in_its_own_consumer_group_to_the_topic_the_counter_reads()
    {
        var plain = RenderSpec(Routes);
        var subscription = Find(plain, KnownResources.DaprSubscriptions, "p-router-logs");
        Assert.Equal("logs", subscription["spec"]!["topic"]!.GetValue<string>());
        Assert.Equal(["p-router"], Scopes(subscription));
        var pubsub = Find(plain, KnownResources.DaprComponents, "p-pubsub");
        Assert.Contains("p-router", Scopes(pubsub));
        var metadata = ComponentMetadata(pubsub);
        Assert.Equal("{appID}", metadata["consumerID"]);
        Assert.Contains("p-router=logs", metadata["subscriptionScopes"].Split(';'));
        Assert.Contains("p-router=logs-deadletter", metadata["publishingScopes"].Split(';'));
        // Route dead letters are written through the Postgres binding, under the pipeline's Resiliency.
        Assert.Contains("p-router", Scopes(Find(plain, KnownResources.DaprComponents, "p-postgres")));
        Assert.Contains("p-router", Scopes(Find(plain, KnownResources.DaprResiliencies, "p-resiliency")));

        // With processing on, the router reads the processed topic, as the counter does: routed events are processed.
        var processed = RenderSpec("  processing: {}\n" + Routes);
        Assert.Equal("logs-processed", Find(processed, KnownResources.DaprSubscriptions, "p-router-logs")["spec"]!["topic"]!.GetValue<string>());
        Assert.Equal("logs-processed", Value(Env(Find(processed, KnownResources.Deployments, "p-router")), "Pipeline__Topic"));
        Assert.Contains("p-router=logs-processed", ComponentMetadata(Find(processed, KnownResources.DaprComponents, "p-pubsub"))["subscriptionScopes"].Split(';'));
    }

    [Fact]
    public void A_routes_change_rolls_only_the_router()
    {
        var before = RenderSpec(Routes);
        var after = RenderSpec(Routes.Replace("tenant_id == \"y\"", "tenant_id == \"z\"", StringComparison.Ordinal));
        foreach (var name in new[] { "p-aggregator", "p-store", "p-ingest" })
        {
            Assert.True(JsonNode.DeepEquals(Find(before, KnownResources.Deployments, name), Find(after, KnownResources.Deployments, name)), name);
        }
        var routerBefore = Find(before, KnownResources.Deployments, "p-router");
        var routerAfter = Find(after, KnownResources.Deployments, "p-router");
        Assert.NotEqual(Annotation(routerBefore, RouteRules.ChecksumAnnotation), Annotation(routerAfter, RouteRules.ChecksumAnnotation));

        // The same routes with their metadata keys in another order: no rollout.
        var reordered = RenderSpec(Routes.Replace("{path: /errors, Content-Type: application/json}", "{Content-Type: application/json, path: /errors}", StringComparison.Ordinal));
        Assert.Equal(Annotation(routerBefore, RouteRules.ChecksumAnnotation), Annotation(Find(reordered, KnownResources.Deployments, "p-router"), RouteRules.ChecksumAnnotation));
    }

    [Fact]
    public void Without_routes_nothing_of_the_router_is_rendered()
    {
        var names = Names(RenderSpec());
        Assert.DoesNotContain(names, n => n.Contains("router", StringComparison.Ordinal) || n.Contains("route", StringComparison.Ordinal));
        var pubsub = Find(RenderSpec(), KnownResources.DaprComponents, "p-pubsub");
        Assert.DoesNotContain("p-router", Scopes(pubsub));
    }

    [Theory]
    [InlineData("binding: hook", "binding: nowhere", "spec.routes.routes[0].binding: 'nowhere' is not one of spec.routes.bindings (hook, archive)")]
    [InlineData("'tenant_id == \"y\"'", "'tenant_id = \"y\"'", "spec.routes.routes[1].when: column")]
    [InlineData("{path: /errors, Content-Type: application/json}", "{Idempotency-Key: fixed}", "spec.routes.routes[0].metadata.Idempotency-Key: 'Idempotency-Key' is set by the router")]
    [InlineData("name: y-all", "name: x-errors", "spec.routes.routes[1].name: 'x-errors' is the name of an earlier route")]
    [InlineData("{path: /errors, Content-Type: application/json}", "{a: '1', b: '2', c: '3', d: '4', e: '5', f: '6', g: '7', h: '8', i: '9', j: '10', k: '11', l: '12', m: '13', n: '14', o: '15', p: '16', q: '17'}", "spec.routes.routes[0].metadata: 17 entries, more than the 16 allowed")]
    public void Routes_the_router_would_refuse_are_refused_whole_with_the_reason_InvalidRoutes(string from, string to, string expected)
    {
        var error = Assert.Throws<InvalidPipelineException>(() => RenderSpec(Routes.Replace(from, to, StringComparison.Ordinal)));
        Assert.Equal("InvalidRoutes", error.Reason);
        Assert.StartsWith("spec.routes is invalid, nothing was applied: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_metadata_value_longer_than_the_router_accepts_is_refused()
    {
        var error = Assert.Throws<InvalidPipelineException>(() => RenderSpec(Routes.Replace("path: /errors", "path: /" + new string('a', 1024), StringComparison.Ordinal)));
        Assert.Equal("InvalidRoutes", error.Reason);
        Assert.Contains("spec.routes.routes[0].metadata.path: 1025 characters, more than the 1024", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Routes_with_a_fixed_consumer_group_are_refused()
    {
        var error = Assert.Throws<InvalidPipelineException>(() => Render(Pipeline(Base.Replace("    topic: logs\n", "    topic: logs\n    consumerGroup: workers\n", StringComparison.Ordinal) + "  storage: {enabled: false}\n" + Routes)));
        Assert.Contains("pubsub.consumerGroup (workers) cannot be set while spec.routes is set", error.Message, StringComparison.Ordinal);
    }
}
