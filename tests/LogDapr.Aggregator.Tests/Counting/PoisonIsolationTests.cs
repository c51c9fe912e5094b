using System.Text;
using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration;
using LogDapr.Configuration.Aggregator;
using LogDapr.Contracts.Events;
using LogDapr.ServiceDefaults.Observability.Stats;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Tests.Counting;

/// <summary>
/// A message Postgres refuses is isolated and dead-lettered alone; every other message of its delivery is counted.
/// A transient failure is retried, never dead-lettered. Runs the processor against real Postgres through a binding
/// that fails with daprd's error text.
/// </summary>
[Collection(PostgresCollection.Name)]
public class PoisonIsolationTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly DeliveryDecoder decoder = new(new LogEventReader(LogEventLimits.Widest));

    private static string CloudEvent(string id, string service, string tenant = "acme")
        => $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"s","type":"t","time":"{{{Now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}}","data":{"events":[{"tenant_id":"{{{tenant}}}","service":"{{{service}}}","severity":"info","message":"x"},{"tenant_id":"{{{tenant}}}","service":"{{{service}}}","severity":"error","message":"y"}]}}""";

    private static string Bulk(IEnumerable<string> events)
        => "{\"entries\":[" + string.Join(',', events.Select((e, i) => $$"""{"entryId":"e{{i}}","event":{{e}},"contentType":"application/cloudevents+json"}""")) + "]}";

    private static DeliveryProcessor Processor(NpgsqlBinding binding)
    {
        var readiness = new SchemaReadiness(TimeProvider.System);
        readiness.MarkReady();
        var postgresOptions = Options.Create(new PostgresOptions { ConnectionString = "unused" });
        var metrics = new AggregatorMetrics(new TestMeterFactory(), readiness, new ServiceStats(TimeProvider.System));
        return new DeliveryProcessor(binding, new DeadLetterWriter(binding, postgresOptions), readiness, Options.Create(new AggregatorOptions()),
            postgresOptions, metrics, TimeProvider.System, NullLogger<DeliveryProcessor>.Instance);
    }

    [Fact]
    public async Task Messages_postgres_refuses_are_dead_lettered_alone_and_the_rest_are_counted()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "poisonsplit");
        // Stands for any data the database refuses permanently (class 23: a check violation).
        await db.ScalarAsync("ALTER TABLE logdapr.log_counts ADD CONSTRAINT refuse_evil CHECK (service <> 'evil') ; SELECT 0");
        var binding = new NpgsqlBinding(db.DataSource);
        var events = Enumerable.Range(0, 30).Select(i => CloudEvent($"m{i}", i is 7 or 22 ? "evil" : "api")).ToList();
        var delivery = decoder.Decode(Encoding.UTF8.GetBytes(Bulk(events)), Now)!;

        var statuses = await Processor(binding).ProcessAsync(delivery.Messages, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Drop, statuses["e7"]);
        Assert.Equal(DeliveryStatus.Drop, statuses["e22"]);
        Assert.Equal(28, statuses.Values.Count(s => s == DeliveryStatus.Success));
        Assert.Equal(56, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
        Assert.Equal(2, await db.ScalarAsync("SELECT count(*) FROM logdapr.dead_letters WHERE reason LIKE '%SQLSTATE 23514%' AND payload LIKE '%\"evil\"%'"));
        // Bisecting costs a few calls per refused message, not one per message.
        Assert.True(binding.Calls < 30, $"{binding.Calls} binding calls");
    }

    [Fact]
    public async Task A_transient_failure_is_retried_and_nothing_is_dead_lettered()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "poisontransient");
        var binding = new NpgsqlBinding(db.DataSource) { FailNextWithConnectionError = 1 };
        var delivery = decoder.Decode(Encoding.UTF8.GetBytes(Bulk(Enumerable.Range(0, 5).Select(i => CloudEvent($"m{i}", "api")))), Now)!;

        var statuses = await Processor(binding).ProcessAsync(delivery.Messages, CancellationToken.None);

        Assert.All(statuses.Values, s => Assert.Equal(DeliveryStatus.Retry, s));
        Assert.Equal(1, binding.Calls);
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.dead_letters"));
    }

    [Fact]
    public async Task Ids_and_names_postgres_cannot_store_are_poison_at_decode_time_and_do_not_stop_the_others()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "poisondecode");
        var binding = new NpgsqlBinding(db.DataSource);
        List<string> events =
        [
            CloudEvent("ok-1", "api"),
            CloudEvent(new string('x', 8 * 1024), "api"),
            CloudEvent("abc\\u0000def", "api"),
            CloudEvent("ok-2", "a\\u0000b"),
            CloudEvent("ok-3", new string('é', 1000)),
            CloudEvent("lone-\\ud800", "api"),
            CloudEvent("ok-4", "api"),
        ];
        var delivery = decoder.Decode(Encoding.UTF8.GetBytes(Bulk(events)), Now)!;

        var statuses = await Processor(binding).ProcessAsync(delivery.Messages, CancellationToken.None);

        Assert.Equal([DeliveryStatus.Success, DeliveryStatus.Drop, DeliveryStatus.Drop, DeliveryStatus.Drop, DeliveryStatus.Drop, DeliveryStatus.Drop, DeliveryStatus.Success],
            Enumerable.Range(0, 7).Select(i => statuses[$"e{i}"]));
        Assert.Equal(4, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
        Assert.Equal(5, await db.ScalarAsync("SELECT count(*) FROM logdapr.dead_letters"));
        Assert.Equal(1, binding.Calls - 5);
    }
}
