using System.Collections.Concurrent;
using System.Text.Json;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Routing.Delivery;
using LogDapr.Aggregator.Routing.Observability;
using LogDapr.Aggregator.Routing.Routes;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Tests.Counting;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Routing;
using LogDapr.Contracts.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using LogDapr.Aggregator.Tests.Support;

namespace LogDapr.Aggregator.Tests.Routing;

/// <summary>
/// What the router does with a delivery, against a scripted binding: what each receiver gets, under which key, and
/// when a route's copy becomes a dead letter instead of holding the pipeline.
/// </summary>
public class RouterDeliveryTests
{
    private const string TwoRoutes = """
        routes:
          - name: acme-errors
            when: 'tenant_id == "acme" and severity == "error"'
            binding: acme-hook
          - name: everything
            binding: archive
        """;

    [Fact]
    public async Task A_call_that_fails_is_retried_under_the_same_key_and_the_message_is_acknowledged_once_it_succeeds()
    {
        var rig = new Rig(TwoRoutes);
        rig.Invoker.FailFirst("acme-hook", 2);

        var statuses = await rig.ProcessAsync(Message("m1", Event("acme", Severity.Error), Event("acme", Severity.Info)));

        Assert.Equal(DeliveryStatus.Success, Assert.Single(statuses.Values));
        var hook = rig.Invoker.CallsTo("acme-hook");
        Assert.Equal(3, hook.Count);
        Assert.All(hook, c => Assert.Equal("m1/acme-errors/0", c.Metadata["Idempotency-Key"]));
        Assert.Equal(["e-acme-Error"], EventIds(hook[^1]));
        Assert.Equal(["e-acme-Error", "e-acme-Info"], EventIds(Assert.Single(rig.Invoker.CallsTo("archive"))));
        Assert.Empty(rig.Sql.Statements);
    }

    [Fact]
    public async Task A_route_failing_past_the_bound_is_dead_lettered_and_the_message_acknowledged_while_the_other_route_delivers()
    {
        var rig = new Rig(TwoRoutes, maxAttempts: 3);
        rig.Invoker.FailFirst("acme-hook", int.MaxValue);

        var statuses = await rig.ProcessAsync(Message("m2", Event("acme", Severity.Error)));

        Assert.Equal(DeliveryStatus.Success, Assert.Single(statuses.Values));
        Assert.Equal(3, rig.Invoker.CallsTo("acme-hook").Count);
        Assert.Single(rig.Invoker.CallsTo("archive"), c => c.Succeeded);
        var (sql, parameters) = Assert.Single(rig.Sql.Statements);
        Assert.Contains("dead_letters", sql, StringComparison.Ordinal);
        Assert.Equal("m2/route:acme-errors", parameters[0].GetString());
        Assert.Equal(["e-acme-Error"], JsonDocument.Parse(parameters[2].GetString()!).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.StartsWith("route acme-errors: attempt 3 of 3: receiver said no", parameters[3].GetString(), StringComparison.Ordinal);
        Assert.Equal("acme", parameters[4].GetString());
    }

    [Fact]
    public async Task When_the_dead_letter_cannot_be_written_the_message_is_retried()
    {
        var rig = new Rig(TwoRoutes, maxAttempts: 1);
        rig.Invoker.FailFirst("acme-hook", int.MaxValue);
        rig.Sql.Fail = true;

        var statuses = await rig.ProcessAsync(Message("m3", Event("acme", Severity.Error)));

        Assert.Equal(DeliveryStatus.Retry, Assert.Single(statuses.Values));
    }

    [Fact]
    public async Task Matching_events_go_in_chunks_of_at_most_MaxEventsPerCall_each_with_its_own_key_and_nothing_that_does_not_match_is_sent()
    {
        var rig = new Rig(TwoRoutes, maxEventsPerCall: 2);
        var events = Enumerable.Range(0, 5).Select(i => Event("acme", Severity.Error, $"e{i}")).Append(Event("other", Severity.Error, "x")).ToArray();

        await rig.ProcessAsync(Message("m4", events));

        var hook = rig.Invoker.CallsTo("acme-hook");
        Assert.Equal(["m4/acme-errors/0", "m4/acme-errors/1", "m4/acme-errors/2"], hook.Select(c => c.Metadata["Idempotency-Key"]));
        Assert.Equal(["e0", "e1", "e2", "e3", "e4"], hook.SelectMany(EventIds));
        Assert.All(hook, c => Assert.Equal("create", c.Operation));
    }

    [Fact]
    public async Task A_redelivered_message_is_sent_again_under_the_same_keys_so_the_receiver_can_drop_the_duplicate()
    {
        var rig = new Rig(TwoRoutes);
        await rig.ProcessAsync(Message("m5", Event("acme", Severity.Error)));
        await rig.ProcessAsync(Message("m5", Event("acme", Severity.Error)));

        var keys = rig.Invoker.CallsTo("acme-hook").Select(c => c.Metadata["Idempotency-Key"]).ToList();
        Assert.Equal(["m5/acme-errors/0", "m5/acme-errors/0"], keys);
    }

    [Fact]
    public async Task A_call_that_hangs_past_the_attempt_timeout_counts_as_failed()
    {
        var rig = new Rig(TwoRoutes, maxAttempts: 2, attemptTimeout: TimeSpan.FromMilliseconds(50));
        rig.Invoker.Hang("acme-hook");

        var statuses = await rig.ProcessAsync(Message("m6", Event("acme", Severity.Error)));

        Assert.Equal(DeliveryStatus.Success, Assert.Single(statuses.Values));
        Assert.Equal(2, rig.Invoker.CallsTo("acme-hook").Count);
        Assert.Contains("timeout", Assert.Single(rig.Sql.Statements).Parameters[3].GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Poison_is_acknowledged_without_any_call_the_counter_records_it()
    {
        var rig = new Rig(TwoRoutes);
        var poison = new DecodedMessage("p", "bad", DateTimeOffset.UnixEpoch, "logs-processed", "{", null, "not JSON");

        var statuses = await rig.ProcessAsync(poison);

        Assert.Equal(DeliveryStatus.Success, Assert.Single(statuses.Values));
        Assert.Empty(rig.Invoker.Calls);
        Assert.Empty(rig.Sql.Statements);
    }

    [Fact]
    public async Task Custom_route_metadata_travels_with_every_call()
    {
        var rig = new Rig("routes: [{name: hook, binding: webhook, operation: post, metadata: {path: /in, Authorization: 'Bearer t'}}]");

        await rig.ProcessAsync(Message("m7", Event("acme", Severity.Info)));

        var call = Assert.Single(rig.Invoker.Calls);
        Assert.Equal("post", call.Operation);
        Assert.Equal("/in", call.Metadata["path"]);
        Assert.Equal("Bearer t", call.Metadata["Authorization"]);
        Assert.Equal("m7/hook/0", call.Metadata["Idempotency-Key"]);
    }

    [Fact]
    public async Task Every_call_is_counted_per_route_and_outcome_and_sent_events_per_route()
    {
        var meters = new TestMeterFactory();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        var measured = new ConcurrentQueue<(string Instrument, long Value, string Tags)>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (meters.Created.Contains(instrument.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measured.Enqueue((instrument.Name, value, string.Join(',', tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();
        var rig = new Rig(TwoRoutes, maxAttempts: 2, meters: meters);
        rig.Invoker.FailFirst("acme-hook", int.MaxValue);

        await rig.ProcessAsync(Message("m8", Event("acme", Severity.Error), Event("acme", Severity.Info)));

        var calls = measured.Where(m => m.Instrument == "logdapr.routing.calls" && m.Value > 0).Select(m => m.Tags).Order().ToList();
        Assert.Equal(["route=acme-errors,outcome=dead_lettered", "route=acme-errors,outcome=retry", "route=everything,outcome=success"], calls);
        Assert.Equal(2, measured.Where(m => m.Instrument == "logdapr.routing.events" && m.Tags == "route=everything").Sum(m => m.Value));
        Assert.DoesNotContain(measured, m => m.Instrument == "logdapr.routing.events" && m.Tags == "route=acme-errors");
    }

    private static IEnumerable<string?> EventIds(Call call)
        => JsonDocument.Parse(call.Data).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString());

    private static DecodedMessage Message(string id, params LogEvent[] events)
        => new("entry-" + id, id, DateTimeOffset.UnixEpoch, "logs-processed", null, events, null);

    private static LogEvent Event(string tenant, Severity severity, string? id = null) => new()
    {
        Id = id ?? $"e-{tenant}-{severity}", TenantId = tenant, Timestamp = new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero),
        Severity = severity, Service = "api", Message = "hello",
    };

    internal sealed record Call(string Binding, string Operation, byte[] Data, IReadOnlyDictionary<string, string> Metadata, bool Succeeded);

    private sealed class Rig
    {
        public Rig(string routes, int maxAttempts = 5, int maxEventsPerCall = 500, TimeSpan? attemptTimeout = null, System.Diagnostics.Metrics.IMeterFactory? meters = null)
        {
            var (set, errors) = RoutesParser.Parse(routes, new ExpressionConditionCompiler());
            Assert.Empty(errors);
            var options = Options.Create(new RoutingOptions
            {
                RoutesFile = "unused", MaxAttempts = maxAttempts, MaxEventsPerCall = maxEventsPerCall,
                InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(5),
                AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(30),
            });
            var metrics = new RoutingMetrics(meters ?? new TestMeterFactory());
            var readiness = new SchemaReadiness(TimeProvider.System);
            readiness.MarkReady();
            Processor = new RouterDeliveryProcessor(set!, new RouteSender(Invoker, metrics, options, TimeProvider.System),
                new DeadLetterWriter(Sql, Options.Create(new PostgresOptions { ConnectionString = "Host=unused" })), readiness, metrics,
                NullLogger<RouterDeliveryProcessor>.Instance);
        }

        public ScriptedInvoker Invoker { get; } = new();

        public RecordingSql Sql { get; } = new();

        public RouterDeliveryProcessor Processor { get; }

        public Task<Dictionary<string, DeliveryStatus>> ProcessAsync(params DecodedMessage[] messages) => Processor.ProcessAsync(messages, CancellationToken.None);
    }

    internal sealed class ScriptedInvoker : IRouteBindingInvoker
    {
        private readonly ConcurrentDictionary<string, int> failuresLeft = new(StringComparer.Ordinal);
        private readonly HashSet<string> hanging = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<Call> calls = new();

        public IReadOnlyList<Call> Calls => [.. calls];

        public List<Call> CallsTo(string binding) => [.. calls.Where(c => c.Binding == binding)];

        public void FailFirst(string binding, int count) => failuresLeft[binding] = count;

        public void Hang(string binding) => hanging.Add(binding);

        public async Task InvokeAsync(string binding, string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
        {
            var fail = failuresLeft.TryGetValue(binding, out var left) && left > 0;
            if (fail)
            {
                failuresLeft[binding] = left - 1;
            }

            calls.Enqueue(new Call(binding, operation, data.ToArray(), new Dictionary<string, string>(metadata), !fail && !hanging.Contains(binding)));
            if (hanging.Contains(binding))
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            if (fail)
            {
                throw new InvalidOperationException("receiver said no");
            }
        }
    }

    internal sealed class RecordingSql : ISqlBinding
    {
        private readonly ConcurrentQueue<(string Sql, JsonElement[] Parameters)> statements = new();

        public bool Fail { get; set; }

        public IReadOnlyList<(string Sql, JsonElement[] Parameters)> Statements => [.. statements];

        public Task<long> ExecAsync(string sql, string paramsJson, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new SinkException("database down", isPermanent: false, sqlState: null);
            }

            statements.Enqueue((sql, [.. JsonDocument.Parse(paramsJson).RootElement.EnumerateArray().Select(e => e.Clone())]));
            return Task.FromResult(1L);
        }
    }
}
