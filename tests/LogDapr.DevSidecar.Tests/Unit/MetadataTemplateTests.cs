using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.PubSub.Brokers;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogDapr.DevSidecar.Tests.Unit;

/// <summary>daprd v1.16 metadata templates (pkg/runtime/meta/meta.go) and the consumer group each broker type reads.</summary>
public class MetadataTemplateTests
{
    private static readonly TemplateIdentity Store = new("logdapr-store", "logs", "store-0");

    [Fact]
    public void App_id_namespace_and_pod_name_are_replaced_namespace_as_namespace_dot_app_id()
    {
        var resolved = MetadataTemplates.Resolve(
            new Dictionary<string, string> { ["consumerID"] = "{appID}", ["group"] = "{namespace}", ["client"] = "{podName}-{appID}", ["plain"] = "x" },
            Store);

        Assert.Equal("logdapr-store", resolved["consumerID"]);
        Assert.Equal("logs.logdapr-store", resolved["group"]);
        Assert.Equal("store-0-logdapr-store", resolved["client"]);
        Assert.Equal("x", resolved["plain"]);
    }

    [Fact]
    public void Each_uuid_occurrence_gets_its_own_uuid()
    {
        var value = MetadataTemplates.ResolveValue("id", "{uuid}/{uuid}", Store);

        var parts = value.Split('/');
        Assert.Equal(2, parts.Length);
        Assert.True(Guid.TryParse(parts[0], out _) && Guid.TryParse(parts[1], out _), value);
        Assert.NotEqual(parts[0], parts[1]);
    }

    [Fact]
    public void Pod_name_template_without_a_pod_name_is_an_error()
    {
        var ex = Assert.Throws<ResourceTemplateException>(() =>
            MetadataTemplates.ResolveValue("consumerID", "{podName}", Store with { PodName = null }));

        Assert.Equal("failed to parse metadata: property consumerID refers to {podName} but podName is not set", ex.Message);
    }

    [Fact]
    public void Identity_reads_namespace_and_pod_name_from_the_environment_as_daprd_does()
    {
        Assert.Equal(new TemplateIdentity("a", "default", null), TemplateIdentity.For("a", _ => null));
        Assert.Equal(new TemplateIdentity("a", "", null), TemplateIdentity.For("a", n => n == "NAMESPACE" ? "" : null));
        Assert.Equal(new TemplateIdentity("a", "prod", "p-1"), TemplateIdentity.For("a", n => n == "NAMESPACE" ? "prod" : n == "POD_NAME" ? "p-1" : null));
    }

    [Fact]
    public void The_catalog_resolves_once_per_app_so_a_uuid_is_stable_for_an_app_and_differs_between_apps()
    {
        var component = new ComponentResource("ps", "pubsub.redis", "v1", [new MetadataItem("consumerID", "{appID}-{uuid}", null, null)], null, [], "test.yaml");
        var catalog = new ComponentCatalog([component], NullLogger.Instance, _ => null);
        var resolved = catalog.Find("ps")!;

        var a1 = catalog.MetadataFor(resolved, "a")["consumerID"];
        var a2 = catalog.MetadataFor(resolved, "a")["consumerID"];
        var b = catalog.MetadataFor(resolved, "b")["consumerID"];

        Assert.Equal(a1, a2);
        Assert.StartsWith("a-", a1, StringComparison.Ordinal);
        Assert.StartsWith("b-", b, StringComparison.Ordinal);
        Assert.Equal("{appID}-{uuid}", resolved.Metadata["consumerID"]);
    }

    [Fact]
    public void The_catalog_reports_an_unresolvable_template_for_every_call()
    {
        var component = new ComponentResource("ps", "pubsub.redis", "v1", [new MetadataItem("consumerID", "{podName}", null, null)], null, [], "test.yaml");
        var catalog = new ComponentCatalog([component], NullLogger.Instance, _ => null);

        Assert.Throws<ResourceTemplateException>(() => catalog.MetadataFor(catalog.Find("ps")!, "a"));
        Assert.Throws<ResourceTemplateException>(() => catalog.MetadataFor(catalog.Find("ps")!, "a"));
    }

    [Theory]
    [InlineData("pubsub.redis", "", "", "", "app")] // consumerID defaults to the app id
    [InlineData("pubsub.redis", "  ", "", "", "app")] // a blank one too (TrimSpace)
    [InlineData("pubsub.redis", "g", "", "", "g")]
    [InlineData("pubsub.kafka", "c", "", "", "c")] // consumerGroup falls back to consumerID
    [InlineData("pubsub.kafka", "c", "kg", "", "kg")]
    [InlineData("pubsub.kafka", "", "", "", "app")]
    [InlineData("pubsub.jetstream", "c", "", "d", "d")]
    [InlineData("pubsub.jetstream", "c", "", "", null)] // no durableName: an ephemeral consumer per subscription
    public void Consumer_group_per_broker_type(string type, string consumerId, string consumerGroup, string durableName, string? expected)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (consumerId.Length > 0)
        {
            metadata["consumerID"] = consumerId;
        }

        if (consumerGroup.Length > 0)
        {
            metadata["consumerGroup"] = consumerGroup;
        }

        if (durableName.Length > 0)
        {
            metadata["durableName"] = durableName;
        }

        Assert.Equal(expected, ConsumerGroups.GroupOf(type, metadata, "app"));
    }

    [Theory]
    [InlineData("pubsub.kafka", "initialOffset", "sideways", "kafka error: invalid initialOffset: sideways")]
    [InlineData("pubsub.jetstream", "deliverPolicy", "All", "deliver policy All is not one of: all, last, new, sequence, time")]
    public void A_bad_start_position_fails_the_component_as_its_init_does(string type, string key, string value, string message)
    {
        var ex = Assert.Throws<FormatException>(() => BrokerProfile.For(type, new Dictionary<string, string> { [key] = value }, 1));

        Assert.Equal(message, ex.Message);
    }
}
