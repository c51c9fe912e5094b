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
/// The counter role decodes with the counting reader, so a valid message carries no events to rebuild its CloudEvent
/// from: when Postgres refuses it, the dead letter stores the CloudEvent as delivered, and the rest is counted.
/// </summary>
[Collection(PostgresCollection.Name)]
public class CountedPoisonIsolationTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly DeliveryDecoder decoder = new(new LogEventReader(LogEventLimits.Widest), new LogEventCountingReader(LogEventLimits.Widest));

    private static string CloudEvent(string id, string service)
        => $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"s","type":"t","time":"{{{Now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}}}","data":{"events":[{"tenant_id":"acme","service":"{{{service}}}","severity":"info","message":"x"},{"tenant_id":"acme","service":"{{{service}}}","severity":"error","message":"y","attributes":{"k":"v"}}]}}""";

    [Fact]
    public async Task A_counted_message_postgres_refuses_is_dead_lettered_as_delivered()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "countedpoison");
        await db.ScalarAsync("ALTER TABLE logdapr.log_counts ADD CONSTRAINT refuse_evil CHECK (service <> 'evil') ; SELECT 0");
        var binding = new NpgsqlBinding(db.DataSource);
        var events = Enumerable.Range(0, 6).Select(i => CloudEvent($"m{i}", i == 4 ? "evil" : "api")).ToList();
        var body = "{\"entries\":[" + string.Join(',', events.Select((e, i) => $$"""{"entryId":"e{{i}}","event":{{e}}}""")) + "]}";
        var delivery = decoder.Decode(Encoding.UTF8.GetBytes(body), Now)!;
        Assert.All(delivery.Messages, m => Assert.Null(m.Events));

        var statuses = await Processor(binding).ProcessAsync(delivery.Messages, CancellationToken.None);

        Assert.Equal(DeliveryStatus.Drop, statuses["e4"]);
        Assert.Equal(5, statuses.Values.Count(s => s == DeliveryStatus.Success));
        Assert.Equal(10, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
        // The whole CloudEvent, attributes and messages included: a replay counts it as the original would have been.
        Assert.Equal(1, await db.ScalarAsync(
            "SELECT count(*) FROM logdapr.dead_letters WHERE reason LIKE '%SQLSTATE 23514%' AND payload LIKE '%\"evil\"%' AND payload LIKE '%\"k\":\"v\"%' AND payload LIKE '%\"m4\"%'"));
    }

    private static DeliveryProcessor Processor(NpgsqlBinding binding)
    {
        var readiness = new SchemaReadiness(TimeProvider.System);
        readiness.MarkReady();
        var postgresOptions = Options.Create(new PostgresOptions { ConnectionString = "unused" });
        var metrics = new AggregatorMetrics(new TestMeterFactory(), readiness, new ServiceStats(TimeProvider.System));
        return new DeliveryProcessor(binding, new DeadLetterWriter(binding, postgresOptions), readiness, Options.Create(new AggregatorOptions()),
            postgresOptions, metrics, TimeProvider.System, NullLogger<DeliveryProcessor>.Instance);
    }
}
