using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Contracts.Events;
using LogDapr.TestSupport;

namespace LogDapr.Aggregator.Tests.Counting;

/// <summary>The exactly-once statement, run against real Postgres exactly as the binding would run it.</summary>
[Collection(PostgresCollection.Name)]
public class CountsStatementTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 10, 0, 10, TimeSpan.Zero);
    private static readonly string Sql = CountsStatement.Sql(MigratedDatabase.Schema, 10_000);

    private static MessageCounts Message(string id, params LogEvent[] events)
        => BucketAggregator.Aggregate(id, events, TimeSpan.FromMinutes(1));

    private static LogEvent E(string tenant, Severity severity, int minute = 0)
        => BucketingTests.Event(tenant, "api", severity, T0.AddMinutes(minute));

    [Fact]
    public async Task Writes_counts_and_records_the_message_ids()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "counts");
        MessageCounts[] delivery = [Message("m1", E("a", Severity.Error), E("a", Severity.Error), E("a", Severity.Info, 1)), Message("m2", E("b", Severity.Warn))];

        await db.ExecAsBindingAsync(Sql, CountsStatement.Params(delivery));

        Assert.Equal(4, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
        Assert.Equal(2, await db.ScalarAsync("SELECT event_count FROM logdapr.log_counts WHERE tenant_id='a' AND severity='error'"));
        Assert.Equal(1, await db.ScalarAsync("SELECT event_count FROM logdapr.log_counts WHERE tenant_id='a' AND severity='info' AND bucket_start='2026-11-22T10:01:00Z'"));
        Assert.Equal(2, await db.ScalarAsync("SELECT count(*) FROM logdapr.processed_messages"));
    }

    [Fact]
    public async Task A_redelivered_message_adds_nothing_while_new_messages_in_the_same_delivery_count()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "redeliver");
        var m1 = Message("m1", E("a", Severity.Error), E("a", Severity.Error));
        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([m1]));

        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([m1]));
        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([m1, Message("m2", E("a", Severity.Error))]));

        Assert.Equal(3, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
    }

    [Fact]
    public async Task A_delivery_mixing_counted_and_new_ids_adds_only_the_new_ids_series()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "mixed");
        var counted = Message("m1", E("a", Severity.Error), E("b", Severity.Warn, 2));
        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([counted]));

        // The counted message now also carries series that do not exist yet: being a redelivery, they must not appear.
        var redelivered = Message("m1", E("a", Severity.Error), E("c", Severity.Fatal, 3));
        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([Message("m0", E("a", Severity.Info)), redelivered, Message("m2", E("a", Severity.Error))]));

        Assert.Equal(4, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
        Assert.Equal(2, await db.ScalarAsync("SELECT event_count FROM logdapr.log_counts WHERE tenant_id='a' AND severity='error'"));
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_counts WHERE tenant_id='c'"));
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.bucket_series WHERE tenant_id='c'"));
        Assert.Equal(3, await db.ScalarAsync("SELECT count(*) FROM logdapr.processed_messages"));
    }

    [Fact]
    public async Task Concurrent_deliveries_of_the_same_messages_count_them_once()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "concurrent");
        var messages = Enumerable.Range(0, 20).Select(i => Message($"m{i}", E("a", Severity.Info), E("b", Severity.Error, i % 3))).ToArray();
        var random = new Random(7);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            db.ExecAsBindingAsync(Sql, CountsStatement.Params([.. messages.OrderBy(_ => random.Next())]))));

        Assert.Equal(40, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
        Assert.Equal(20, await db.ScalarAsync("SELECT count(*) FROM logdapr.processed_messages"));
    }

    [Fact]
    public async Task Tenant_and_service_names_with_quotes_and_unicode_are_stored_verbatim()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "quoting");
        var e = BucketingTests.Event("t-1", "svc 'quoted' \"double\" ünïcödé; DROP TABLE x", Severity.Fatal, T0);

        await db.ExecAsBindingAsync(Sql, CountsStatement.Params([Message("m1", e)]));

        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_counts WHERE service = 'svc ''quoted'' \"double\" ünïcödé; DROP TABLE x'"));
    }

    [Fact]
    public async Task The_statements_row_count_is_the_number_of_events_it_counted_for_the_first_time()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "added");
        var m1 = Message("m1", E("a", Severity.Info), E("a", Severity.Error), E("b", Severity.Info, 1));
        var m2 = Message("m2", E("a", Severity.Warn));

        Assert.Equal(3UL, await RowCountAsync(db, [m1]));
        Assert.Equal(1UL, await RowCountAsync(db, [m1, m2]));
        Assert.Equal(0UL, await RowCountAsync(db, [m2, m1]));
        Assert.Equal(4, await db.ScalarAsync("SELECT sum(event_count) FROM logdapr.log_counts"));
    }

    /// <summary>The command tag's count, which Dapr's binding (pgx) reports as rows-affected for <c>exec</c>.</summary>
    private static async Task<ulong> RowCountAsync(MigratedDatabase db, MessageCounts[] messages)
    {
        await using var batch = db.DataSource.CreateBatch();
        var command = new Npgsql.NpgsqlBatchCommand(Sql);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = System.Text.Json.JsonDocument.Parse(CountsStatement.Params(messages)).RootElement[0].GetString() });
        batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync();
        return command.Rows;
    }
}
