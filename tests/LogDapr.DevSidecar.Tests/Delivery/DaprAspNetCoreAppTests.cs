using System.Collections.Concurrent;
using System.Net;
using Dapr;
using Dapr.AspNetCore;
using LogDapr.DevSidecar.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Tests.Delivery;

/// <summary>
/// An app written with Dapr.AspNetCore exactly as the services are (MapSubscribeHandler, WithTopic, bulk subscribe,
/// UseCloudEvents): its subscriptions are discovered and both delivery formats bind to the SDK's models.
/// </summary>
public class DaprAspNetCoreAppTests
{
    public sealed record Order(string Id, int Amount);

    [Fact]
    public async Task Programmatic_subscriptions_from_the_sdk_are_discovered_and_delivered()
    {
        var single = new ConcurrentBag<Order>();
        var bulk = new ConcurrentBag<Order>();
        var port = Ports.Free();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        builder.Services.AddDaprClient();
        await using var app = builder.Build();
        app.UseCloudEvents();
        app.MapSubscribeHandler();
        app.MapPost("/orders", (Order order) =>
        {
            single.Add(order);
            return Results.Ok();
        }).WithTopic(Yaml.PubSub, "orders");
        app.MapPost("/orders-bulk", (BulkSubscribeMessage<BulkMessageModel<Order>> message) =>
        {
            foreach (var entry in message.Entries)
            {
                // As with daprd, each entry's event is the whole CloudEvent; the SDK's BulkMessageModel exposes its data.
                bulk.Add(entry.Event.Data);
            }

            return Results.Ok(new BulkSubscribeAppResponse(message.Entries
                .Select(e => new BulkSubscribeAppResponseEntry(e.EntryId, BulkSubscribeAppResponseStatus.SUCCESS)).ToList()));
        })
        .WithTopic(Yaml.PubSub, "orders-bulk")
        .WithBulkSubscribe(new BulkSubscribeTopicOptions { TopicName = "orders-bulk", MaxMessagesCount = 5, MaxAwaitDurationMs = 50 });
        await app.StartAsync();

        using var dir = new TempDir();
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent());
        var fake = new FakeApp(port); // only for its URL; the real app above listens there
        await using var sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"), [fake]);
        await sidecar.WaitAppReadyAsync();

        await sidecar.Client.PublishEventAsync(Yaml.PubSub, "orders", new Order("s1", 1));
        await sidecar.Client.BulkPublishEventAsync(Yaml.PubSub, "orders-bulk", Enumerable.Range(1, 7).Select(i => new Order($"b{i}", i)).ToList());
        await sidecar.WaitDrainedAsync("orders");
        await sidecar.WaitDrainedAsync("orders-bulk");

        Assert.Equal(new Order("s1", 1), Assert.Single(single));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"b{i}").ToHashSet(), bulk.Select(o => o.Id).ToHashSet());
        var bulkSubscription = await sidecar.SubscriptionAsync("orders-bulk");
        Assert.True((bool)bulkSubscription!["bulk"]!);
    }
}
