using System.Diagnostics.Metrics;
using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration;
using LogDapr.Configuration.Aggregator;
using LogDapr.Contracts.Events;
using LogDapr.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Tests.Counting;

/// <summary>
/// A tenant creates at most the configured number of series per bucket; the events of further series are counted
/// under the overflow service, exactly once, whatever the redeliveries and concurrency.
/// </summary>
[Collection(PostgresCollection.Name)]
public class CardinalityLimitTests(PostgresFixture postgres)
{
    private const int Limit = 3;
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 10, TimeSpan.Zero);
    private static readonly string Sql = CountsStatement.Sql(MigratedDatabase.Schema, Limit);

    private static MessageCounts Message(string id, string tenant, params string[] services)
        => BucketAggregator.Aggregate(id, [.. services.Select(s => BucketingTests.Event(tenant, s, Severity.Info, T0))], TimeSpan.FromMinutes(1));

    private static Task<long> Series(MigratedDatabase db, string tenant)
        => db.ScalarAsync($"SELECT count(*) FROM logdapr.log_counts WHERE tenant_id = '{tenant}' AND service <> '{CountsStatement.OverflowService}'");

    private static Task<long> Overflow(MigratedDatabase db, string tenant)
        => db.ScalarAsync($"SELECT coalesce(sum(event_count), 0) FROM logdapr.log_counts WHERE tenant_id = '{tenant}' AND service = '{CountsStatement.OverflowService}'");

    [Fact]
    public async Task Series_beyond_the_limit_are_counted_under_the_overflow_service_and_nothing_is_lost()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "cardinality");

        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([Message("m1", "acme", "s1", "s2", "s3", "s4", "s5")]));
        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([Message("m1", "acme", "s1", "s2", "s3", "s4", "s5")]));
        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([Message("m2", "acme", "s1", "s6"), Message("m3", "globex", "g1", "g2")]));

        Assert.Equal(3, await Series(db, "acme"));
        Assert.Equal(3, await Overflow(db, "acme"));
        Assert.Equal(2, await db.ScalarAsync("SELECT event_count FROM logdapr.log_counts WHERE tenant_id = 'acme' AND service = 's1'"));
        Assert.Equal(7, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts WHERE tenant_id = 'acme'"));
        Assert.Equal(2, await Series(db, "globex"));
        Assert.Equal(0, await Overflow(db, "globex"));
    }

    [Fact]
    public async Task Concurrent_deliveries_never_create_more_series_than_the_limit()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "cardinalityrace");
        var messages = Enumerable.Range(0, 40).Select(i => Message($"m{i}", "acme", $"s{i}", $"s{i % 5}")).ToArray();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            var random = new Random(worker);
            foreach (var chunk in messages.OrderBy(_ => random.Next()).Chunk(5))
            {
                await db.ExecAsBindingAsync(Sql, CountsStatement.Params(chunk));
            }
        })));

        Assert.Equal(Limit, await Series(db, "acme"));
        Assert.Equal(80, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
        Assert.Equal(Limit, await db.ScalarAsync("SELECT series FROM logdapr.bucket_series WHERE tenant_id = 'acme'"));
    }

    [Fact]
    public async Task The_overflow_gauge_exports_how_many_events_went_to_the_overflow_series()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "overflowgauge");
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var gauge = new OverflowGauge(db.DataSource, new SchemaReadiness(TimeProvider.System), Options.Create(new PostgresOptions { ConnectionString = "unused", Schema = MigratedDatabase.Schema }),
            services.GetRequiredService<IMeterFactory>(), NullLogger<OverflowGauge>.Instance);
        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([Message("m1", "acme", "s1", "s2", "s3", "s4", "s5"), Message("m2", "globex", "g1")]));

        await gauge.RefreshAsync(CancellationToken.None);

        long exported = -1;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "logdapr.aggregator.overflow.events")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => exported = value);
        listener.Start();
        listener.RecordObservableInstruments();
        Assert.Equal(2, exported);
    }
}
