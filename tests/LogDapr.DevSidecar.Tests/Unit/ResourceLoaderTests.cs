using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Resiliency;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Unit;

public class ResourceLoaderTests
{
    private static string RepoComponents() => Repository.Path("components");

    [Fact]
    public void Reads_the_repository_components_and_resiliency()
    {
        var set = ResourceLoader.Load([RepoComponents()]);

        var byName = set.Components.ToDictionary(c => c.Name);
        Assert.Equal("pubsub.redis", byName["logdapr-pubsub"].Type);
        Assert.Equal("state.redis", byName["logdapr-state"].Type);
        var binding = byName["logdapr-postgres"];
        Assert.Equal("bindings.postgresql", binding.Type);
        Assert.Equal("logdapr-env", binding.SecretStore);
        Assert.Contains(binding.Metadata, m => m.Name == "connectionString" && m.SecretName == "LOGDAPR_PG_CONNECTION");

        // The repository's values are the lead's to tune; only the wiring is asserted here.
        var policies = ResiliencyPolicies.Parse(set.Resiliencies);
        Assert.NotNull(policies.Inbound("logdapr-pubsub").Retry);
        Assert.NotNull(policies.Outbound("logdapr-postgres").Breaker);
    }

    [Fact]
    public void Parses_resiliency_policies_and_targets()
    {
        using var dir = new TempDir();
        dir.Write("r.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                timeouts:
                  delivery: 30s
                retries:
                  deliveries:
                    policy: exponential
                    initialInterval: 200ms
                    maxInterval: 10s
                    maxRetries: 8
                  DefaultRetryPolicy:
                    policy: constant
                    duration: 1s
                    maxRetries: 3
                circuitBreakers:
                  sink:
                    maxRequests: 1
                    timeout: 30s
                    trip: consecutiveFailures >= 10
              targets:
                components:
                  ps:
                    inbound:
                      timeout: delivery
                      retry: deliveries
                  pg:
                    outbound:
                      timeout: 10s
                      circuitBreaker: sink
            """);
        var policies = ResiliencyPolicies.Parse(ResourceLoader.Load([dir.Path]).Resiliencies);

        var inbound = policies.Inbound("ps");
        Assert.Equal(TimeSpan.FromSeconds(30), inbound.Timeout);
        Assert.True(inbound.Retry!.Exponential);
        Assert.Equal(8, inbound.Retry.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(200), inbound.Retry.InitialInterval);
        Assert.True(inbound.Retry.AllowsRetry(8));
        Assert.False(inbound.Retry.AllowsRetry(9));

        var outbound = policies.Outbound("pg");
        Assert.Equal(TimeSpan.FromSeconds(10), outbound.Timeout);
        Assert.Equal(10, outbound.Breaker!.TripThreshold);
        Assert.Equal("DefaultRetryPolicy", outbound.Retry!.Name); // Dapr's built-in default policy name applies
    }

    [Fact]
    public void Resolves_secret_refs_from_the_local_env_store()
    {
        var set = ResourceLoader.Load([RepoComponents()]);
        var catalog = new ComponentCatalog(set.Components, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            name => name == "LOGDAPR_PG_CONNECTION" ? "host=localhost user=postgres" : null);
        var binding = catalog.Find("logdapr-postgres")!;
        Assert.Null(binding.ResolutionError);
        Assert.Equal("host=localhost user=postgres", binding.Metadata["connectionString"]);

        var missing = new ComponentCatalog(set.Components, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, _ => null);
        Assert.Contains("LOGDAPR_PG_CONNECTION", missing.Find("logdapr-postgres")!.ResolutionError);
    }

    [Fact]
    public void Reads_v1_and_v2_subscriptions_multi_document_files_and_skips_configuration()
    {
        using var dir = new TempDir();
        dir.Write("subs.yaml", Yaml.Subscription("a", "/a", deadLetter: "a-dlq", scopes: "scopes:\n  - app1", bulk: true)
            + "\n---\n" + Yaml.Subscription("b", "/b", apiVersion: "dapr.io/v1alpha1"));
        dir.Write("config.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: cfg\nspec: {}\n");

        var set = ResourceLoader.Load([dir.Path]);

        var a = set.Subscriptions.Single(s => s.Spec.Topic == "a");
        Assert.Equal("/a", a.Spec.DefaultRoute);
        Assert.Equal("a-dlq", a.Spec.DeadLetterTopic);
        Assert.True(a.Spec.Bulk.Enabled);
        Assert.Equal(10, a.Spec.Bulk.MaxMessagesCount);
        Assert.Equal(["app1"], a.Scopes);
        var b = set.Subscriptions.Single(s => s.Spec.Topic == "b");
        Assert.Equal("/b", b.Spec.DefaultRoute);
        Assert.Contains(set.Warnings, w => w.Contains("Configuration", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_path_is_an_error() =>
        Assert.Throws<ResourceException>(() => ResourceLoader.Load(["/definitely/not/here"]));
}
