using System.Text.Json;
using LogDapr.LoadGen.Payload;

namespace LogDapr.LoadTest.Tests.Payload;

public class PayloadFactoryTests
{
    [Fact]
    public void Batches_hold_the_requested_events_of_about_the_requested_size_with_an_exact_invalid_share()
    {
        var templates = PayloadFactory.Build(new PayloadOptions { EventsPerRequest = 500, Tenants = 4, InvalidShare = 0.01, TenantPrefix = "lt-test" });
        Assert.Equal(4 * 8, templates.Count);
        Assert.All(templates, t => Assert.Equal(500, t.Events.Count));
        Assert.Equal(0.01 * 500 * templates.Count, templates.Sum(t => t.InvalidEvents), 1.0);
        var sizes = templates.SelectMany(t => t.Events).Where(e => e.Valid).Select(e => e.Json.Length).ToList();
        Assert.InRange(sizes.Average(), 195, 215);
    }

    [Fact]
    public void Rendered_bodies_are_json_stamped_with_the_send_time_and_one_tenant_each()
    {
        var templates = PayloadFactory.Build(new PayloadOptions { EventsPerRequest = 20, Tenants = 3, InvalidShare = 0.2, TenantPrefix = "lt-test" });
        var now = new DateTime(2026, 11, 22, 10, 11, 12, 345, DateTimeKind.Utc);
        for (var i = 0; i < templates.Count; i++)
        {
            var template = templates[i];
            Assert.Equal(i % 3, template.Tenant);
            var (buffer, length) = template.RenderPooled(now);
            using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
            var events = document.RootElement.EnumerateArray().ToList();
            Assert.Equal(20, events.Count);
            foreach (var (json, generated) in events.Zip(template.Events))
            {
                if (generated.Valid)
                {
                    Assert.Equal("2026-11-22T10:11:12.345Z", json.GetProperty("timestamp").GetString());
                    Assert.Equal($"lt-test-t{i % 3}", json.GetProperty("tenant_id").GetString());
                }
            }
        }
    }

    [Fact]
    public void A_single_event_request_is_an_object()
    {
        var template = PayloadFactory.Build(new PayloadOptions { EventsPerRequest = 1, Tenants = 1 })[0];
        var (buffer, length) = template.RenderPooled(DateTime.UtcNow);
        using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }
}
