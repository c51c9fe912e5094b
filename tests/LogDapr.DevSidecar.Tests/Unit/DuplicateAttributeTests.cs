using System.Text.Json;
using LogDapr.DevSidecar.PubSub;
using LogDapr.DevSidecar.PubSub.Subscriptions;

namespace LogDapr.DevSidecar.Tests.Unit;

/// <summary>
/// daprd decodes a delivered CloudEvent with Go's json.Unmarshal into a map (v1.16.0
/// pkg/runtime/subscription/subscription.go), so an attribute written twice takes its last value for routing and
/// expiration alike. A publisher that repeats a key must see the same route and the same drop here as on a cluster.
/// </summary>
public class DuplicateAttributeTests
{
    private static JsonElement Event(string json) => JsonDocument.Parse(json).RootElement;

    [Theory]
    [InlineData("""{"type":"audit","type":"app"}""", "event.type == \"app\"", true)]
    [InlineData("""{"type":"audit","type":"app"}""", "event.type == \"audit\"", false)]
    [InlineData("""{"type":"app","type":"audit"}""", "event.type != \"audit\"", false)]
    public void A_routing_rule_reads_the_last_of_a_repeated_attribute(string cloudEvent, string rule, bool matches)
    {
        var matcher = RouteMatcher.TryCreate(rule);

        Assert.NotNull(matcher);
        Assert.Equal(matches, matcher.Matches(Event(cloudEvent)));
    }

    [Theory]
    [InlineData("""{"expiration":"2001-01-01T00:00:00Z","expiration":"2999-01-01T00:00:00Z"}""", false)]
    [InlineData("""{"expiration":"2999-01-01T00:00:00Z","expiration":"2001-01-01T00:00:00Z"}""", true)]
    public void Expiration_is_the_last_of_a_repeated_attribute(string cloudEvent, bool expired) =>
        Assert.Equal(expired, CloudEventBuilder.HasExpired(Event(cloudEvent)));
}
