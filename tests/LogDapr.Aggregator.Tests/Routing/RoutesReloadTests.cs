using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Routing.Delivery;
using LogDapr.Aggregator.Routing.Hosting;
using LogDapr.Aggregator.Routing.Observability;
using LogDapr.Aggregator.Routing.Routes;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Routing;
using LogDapr.Contracts.Events;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using LogDapr.Aggregator.Tests.Support;

namespace LogDapr.Aggregator.Tests.Routing;

/// <summary>
/// The router re-reads its routes file while it runs: a valid change reaches the next delivery, an invalid one is
/// refused whole (the routes in use stay) and shows in logdapr.routing.routes.valid and .reloads.
/// </summary>
public sealed class RoutesReloadTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly string directory = ScratchDirectory.NewPath("routing", "reload");
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly TestMeterFactory meters = new();
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, long> latest = new(StringComparer.Ordinal);
    private readonly ActiveRoutes active = new();
    private readonly RoutingMetrics metrics;
    private readonly RoutesWatcher watcher;

    public RoutesReloadTests()
    {
        Directory.CreateDirectory(directory);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (meters.Created.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => latest[instrument.Name] = value);
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            latest.AddOrUpdate($"{instrument.Name}{{{string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}"))}}}", value, (_, sum) => sum + value));
        listener.Start();
        metrics = new RoutingMetrics(meters);
        watcher = new RoutesWatcher(active, new ExpressionConditionCompiler(),
            Options.Create(new RoutingOptions { RoutesFile = File, ReloadInterval = Interval }), metrics, time, NullLogger<RoutesWatcher>.Instance);
    }

    private string File => Path.Combine(directory, "routes.yaml");

    public void Dispose()
    {
        watcher.Dispose();
        listener.Dispose();
        meters.Dispose();
        ScratchDirectory.Remove(directory);
    }

    [Fact]
    public async Task A_valid_change_reaches_the_next_delivery_and_an_invalid_one_is_refused_whole_while_the_routes_in_use_stay()
    {
        await System.IO.File.WriteAllTextAsync(File, Routes("hook-a"));
        await watcher.StartAsync(CancellationToken.None);
        Assert.Equal(["hook-a"], await DeliverAsync());
        Assert.Equal(1, Valid());

        // A valid change: the next delivery sends to the new binding.
        await ChangeAsync(Routes("hook-b"));
        await PollUntilAsync(() => active.Current.Text == Routes("hook-b"), "the changed routes to be in use");
        Assert.Equal(["hook-b"], await DeliverAsync());
        Assert.Equal(1, Valid());
        Assert.Equal(1, latest.GetValueOrDefault("logdapr.routing.routes.reloads{result=applied}"));

        // An invalid change (a condition the expression parser refuses, next to a valid route): nothing of it applies.
        var invalid = Routes("hook-c") + "  - name: broken\n    when: 'tenant_id = \"x\"'\n    binding: hook-c\n";
        await ChangeAsync(invalid);
        await PollUntilAsync(() => Valid() == 0, "the invalid routes to be refused");
        // Polled again and again, the same invalid text is refused once.
        for (var i = 0; i < 3; i++)
        {
            await PollUntilAsync(() => true, "another poll");
        }

        Assert.Equal(["hook-b"], await DeliverAsync());
        Assert.Equal(1, latest.GetValueOrDefault("logdapr.routing.routes.reloads{result=refused}"));

        // Fixed: in use again.
        await ChangeAsync(Routes("hook-d"));
        await PollUntilAsync(() => active.Current.Text == Routes("hook-d"), "the fixed routes to be in use");
        Assert.Equal(1, Valid());
        Assert.Equal(["hook-d"], await DeliverAsync());
        Assert.Equal(1, latest.GetValueOrDefault("logdapr.routing.routes.reloads{result=refused}"));
        Assert.Equal(2, latest.GetValueOrDefault("logdapr.routing.routes.reloads{result=applied}"));
    }

    [Fact]
    public async Task An_invalid_file_at_start_stops_the_router_with_every_error_and_nothing_is_in_use()
    {
        await System.IO.File.WriteAllTextAsync(File, "routes: [{name: ok, binding: b}, {name: BAD, binding: b}, {name: x}]");

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => watcher.StartAsync(CancellationToken.None));

        Assert.StartsWith("The routes are invalid, nothing is applied: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("routes[1].name:", failure.Message, StringComparison.Ordinal);
        Assert.Contains("routes[2].binding: required", failure.Message, StringComparison.Ordinal);
        Assert.False(active.IsLoaded);
    }

    [Fact]
    public void The_router_takes_the_routes_once_per_delivery_so_a_reload_applies_from_the_next_one()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.AddRouterRole();
        var registration = builder.Services.Single(s => s.ServiceType == typeof(RouteSet));
        Assert.Equal(Microsoft.Extensions.DependencyInjection.ServiceLifetime.Scoped, registration.Lifetime);
        Assert.Contains(builder.Services, s => s.ImplementationType == typeof(RoutesWatcher));
    }

    private static string Routes(string binding) => $"routes:\n  - name: errors\n    when: 'severity == \"error\"'\n    binding: {binding}\n";

    private Task ChangeAsync(string text) => System.IO.File.WriteAllTextAsync(File, text);

    /// <summary>
    /// Lets the polling interval pass until <paramref name="condition"/> holds (at least once). The watcher's loop runs
    /// on its own thread, so its timer may not exist yet when the clock is first moved: the clock moves on each check.
    /// </summary>
    private Task PollUntilAsync(Func<bool> condition, string what)
    {
        var advanced = false;
        return Eventually.TrueAsync(() =>
        {
            if (advanced && condition())
            {
                return true;
            }

            time.Advance(Interval);
            advanced = true;
            return false;
        }, what);
    }

    private int Valid()
    {
        listener.RecordObservableInstruments();
        return (int)latest.GetValueOrDefault("logdapr.routing.routes.valid");
    }

    /// <summary>One delivery as the router's host makes it: the routes in use when it starts.</summary>
    private async Task<List<string>> DeliverAsync()
    {
        var invoker = new RouterDeliveryTests.ScriptedInvoker();
        var options = Options.Create(new RoutingOptions { RoutesFile = File });
        var readiness = new SchemaReadiness(TimeProvider.System);
        readiness.MarkReady();
        var processor = new RouterDeliveryProcessor(active.Current, new RouteSender(invoker, metrics, options, TimeProvider.System),
            new DeadLetterWriter(new RouterDeliveryTests.RecordingSql(), Options.Create(new PostgresOptions { ConnectionString = "Host=unused" })), readiness, metrics,
            NullLogger<RouterDeliveryProcessor>.Instance);
        var logEvent = new LogEvent
        {
            Id = "e1", TenantId = "acme", Timestamp = time.GetUtcNow(), Severity = Severity.Error, Service = "api", Message = "boom",
        };
        var statuses = await processor.ProcessAsync([new DecodedMessage("entry-m1", "m1", time.GetUtcNow(), "logs", null, [logEvent], null)], CancellationToken.None);
        Assert.Equal(DeliveryStatus.Success, Assert.Single(statuses).Value);
        return [.. invoker.Calls.Select(c => c.Binding)];
    }

}
