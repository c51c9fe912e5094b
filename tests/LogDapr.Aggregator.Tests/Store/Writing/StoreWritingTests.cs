using System.Text;
using LogDapr.Aggregator.Counting;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Observability;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Store.Observability;
using LogDapr.Aggregator.Store.Partitions;
using LogDapr.Aggregator.Store.Writing;
using LogDapr.Aggregator.Tests.Counting;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using LogDapr.Contracts.Events;
using LogDapr.ServiceDefaults.Observability.Stats;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Tests.Store.Writing;

/// <summary>
/// The store role's write path against real Postgres, through a binding that runs the SQL as Dapr's PostgreSQL binding
/// binds it: every event stored once with every field, whatever is redelivered, split or refused.
/// </summary>
[Collection(PostgresCollection.Name)]
public class StoreWritingTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly DeliveryDecoder decoder = new(new LogEventReader(LogEventLimits.Widest));

    private static string Event(string id, string service = "api", string tenant = "acme", string message = "hello", DateTimeOffset? at = null)
        => $$$"""{"id":"{{{id}}}","tenant_id":"{{{tenant}}}","service":"{{{service}}}","severity":"warn","message":"{{{message}}}","timestamp":"{{{(at ?? Now).UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}}","host":"web-1","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","attributes":{"region":"eu","http.status":"503"}}""";

    private static string CloudEvent(string id, params string[] events)
        => $$$"""{"specversion":"1.0","id":"{{{id}}}","source":"s","type":"t","time":"{{{Now.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}}}","data":{"events":[{{{string.Join(',', events)}}}]}}""";

    private static string Bulk(IEnumerable<string> cloudEvents)
        => "{\"entries\":[" + string.Join(',', cloudEvents.Select((e, i) => $$"""{"entryId":"e{{i}}","event":{{e}},"contentType":"application/cloudevents+json"}""")) + "]}";

    private static StoreDeliveryProcessor Processor(ISqlBinding binding, StoreOptions? options = null, bool schemaReady = true)
    {
        var readiness = new SchemaReadiness(TimeProvider.System);
        if (schemaReady)
        {
            readiness.MarkReady();
        }

        var postgresOptions = Options.Create(new PostgresOptions { ConnectionString = "unused" });
        return new StoreDeliveryProcessor(binding, new DeadLetterWriter(binding, postgresOptions), readiness, Options.Create(options ?? new StoreOptions()),
            postgresOptions, new StoreMetrics(new TestMeterFactory()),
            new AggregatorMetrics(new TestMeterFactory(), readiness, new ServiceStats(TimeProvider.System)), TimeProvider.System,
            NullLogger<StoreDeliveryProcessor>.Instance);
    }

    private async Task<MigratedDatabase> DatabaseAsync(string name)
    {
        var db = await MigratedDatabase.CreateAsync(postgres, name);
        await new EventPartitionMaintenance(db.DataSource, Options.Create(new PostgresOptions { ConnectionString = "unused" }),
            Options.Create(new StoreOptions()), TimeProvider.System, NullLogger<EventPartitionMaintenance>.Instance).RunAsync(CancellationToken.None);
        return db;
    }

    private IReadOnlyList<DecodedMessage> Decode(params string[] cloudEvents)
        => decoder.Decode(Encoding.UTF8.GetBytes(Bulk(cloudEvents)), Now)!.Messages;

    [Fact]
    public async Task Every_field_of_an_event_is_stored_in_its_day_partition()
    {
        await using var db = await DatabaseAsync("storefields");
        var statuses = await Processor(new NpgsqlBinding(db.DataSource)).ProcessAsync(Decode(CloudEvent("m1", Event("ev-1"))), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Success, statuses["e0"]);
        await using var command = db.DataSource.CreateCommand("""
            SELECT tenant_id, event_id, service, severity, host, message, attributes->>'region', attributes->>'http.status', trace_id, span_id,
                   message_id, tableoid::regclass::text, ts = $1, received_at = $1, event_day = ($1 AT TIME ZONE 'UTC')::date
            FROM logdapr.log_events
            """);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = new DateTimeOffset(Now.UtcDateTime.Ticks - (Now.UtcDateTime.Ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero) });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(("acme", "ev-1", "api", (short)Severity.Warn, "web-1", "hello"),
            (reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt16(3), reader.GetString(4), reader.GetString(5)));
        Assert.Equal(("eu", "503", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "m1"),
            (reader.GetString(6), reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.GetString(10)));
        Assert.Equal("logdapr." + DailyPartitionsName(DateOnly.FromDateTime(Now.UtcDateTime)), reader.GetString(11));
        Assert.True(reader.GetBoolean(12), "ts is the event's timestamp");
        Assert.True(reader.GetBoolean(14), "event_day is the UTC day of the timestamp");
        Assert.False(await reader.ReadAsync());
    }

    [Fact]
    public async Task Redelivered_and_duplicated_messages_store_each_event_once()
    {
        await using var db = await DatabaseAsync("storeredeliver");
        var processor = Processor(new NpgsqlBinding(db.DataSource));
        var message = CloudEvent("m1", Event("a"), Event("b"), Event("c"));

        // One delivery holding the message twice, then two redeliveries of it alongside a new message.
        var first = await processor.ProcessAsync(Decode(message, message), CancellationToken.None);
        var second = await processor.ProcessAsync(Decode(message, CloudEvent("m2", Event("d"))), CancellationToken.None);
        var third = await processor.ProcessAsync(Decode(message), CancellationToken.None);

        Assert.All(first.Values.Concat(second.Values).Concat(third.Values), s => Assert.Equal(DeliveryStatus.Success, s));
        Assert.Equal(4, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
        Assert.Equal(4, await db.ScalarAsync("SELECT count(DISTINCT event_id) FROM logdapr.log_events"));
    }

    [Fact]
    public async Task A_delivery_larger_than_one_statement_is_split_and_stored_whole()
    {
        await using var db = await DatabaseAsync("storesplit");
        var binding = new NpgsqlBinding(db.DataSource);
        var options = new StoreOptions { MaxStatementBytes = 64 * 1024, MaxEventsPerStatement = 7 };
        var messages = Enumerable.Range(0, 20).Select(m => CloudEvent($"m{m}", [.. Enumerable.Range(0, 5).Select(e => Event($"m{m}-e{e}", message: new string('x', 2000)))])).ToArray();

        var statuses = await Processor(binding, options).ProcessAsync(Decode(messages), CancellationToken.None);

        Assert.All(statuses.Values, s => Assert.Equal(DeliveryStatus.Success, s));
        Assert.Equal(100, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
        Assert.True(binding.Calls >= 100 / 7, $"{binding.Calls} binding calls for 100 events at most 7 per statement");
    }

    [Fact]
    public async Task A_delivery_of_several_statements_keeps_two_running_at_once_and_stores_every_event_once()
    {
        await using var db = await DatabaseAsync("storeinflight");
        var binding = new OverlapBinding(new NpgsqlBinding(db.DataSource));
        var options = new StoreOptions { MaxStatementBytes = 64 * 1024, MaxEventsPerStatement = 3 };
        var messages = Enumerable.Range(0, 6).Select(m => CloudEvent($"m{m}", [.. Enumerable.Range(0, 5).Select(e => Event($"m{m}-e{e}"))])).ToArray();
        var delivery = Decode(messages);

        var statuses = await Processor(binding, options).ProcessAsync(delivery, CancellationToken.None);
        var again = await Processor(binding, options).ProcessAsync(delivery, CancellationToken.None);

        Assert.All(statuses.Values.Concat(again.Values), s => Assert.Equal(DeliveryStatus.Success, s));
        Assert.True(binding.Overlapped, "the second statement of the delivery did not start while the first was running");
        Assert.Equal(30, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
    }

    /// <summary>
    /// Holds the first call until a second call arrives, so it sees whether the processor starts a
    /// statement while another is running; the bound only turns a processor that never does into a failure, not a hang.
    /// </summary>
    private sealed class OverlapBinding(NpgsqlBinding inner) : ISqlBinding
    {
        private readonly Lock gate = new();
        private TaskCompletionSource? waiting;
        private bool held;

        public bool Overlapped { get; private set; }

        public async Task<long> ExecAsync(string sql, string paramsJson, CancellationToken cancellationToken)
        {
            TaskCompletionSource? first = null;
            lock (gate)
            {
                if (waiting is { } other)
                {
                    Overlapped = true;
                    other.TrySetResult();
                    waiting = null;
                }
                else if (!held)
                {
                    held = true;
                    first = waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            if (first is not null)
            {
                await Task.WhenAny(first.Task, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
                lock (gate)
                {
                    waiting = null;
                }
            }

            return await inner.ExecAsync(sql, paramsJson, cancellationToken);
        }
    }

    [Fact]
    public async Task An_event_postgres_refuses_dead_letters_its_message_alone_and_the_rest_are_stored()
    {
        await using var db = await DatabaseAsync("storerefuse");
        await db.ScalarAsync("ALTER TABLE logdapr.log_events ADD CONSTRAINT refuse_evil CHECK (service <> 'evil') NOT VALID; SELECT 0");
        var messages = Enumerable.Range(0, 12).Select(i => CloudEvent($"m{i}", Event($"e{i}a"), Event($"e{i}b", service: i == 5 ? "evil" : "api"))).ToArray();

        var statuses = await Processor(new NpgsqlBinding(db.DataSource)).ProcessAsync(Decode(messages), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Drop, statuses["e5"]);
        Assert.Equal(11, statuses.Values.Count(s => s == DeliveryStatus.Success));
        // Every event but the refused one is stored; a replay of m5 later stores only what is missing.
        Assert.Equal(23, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.dead_letters WHERE message_id = 'm5' AND reason LIKE 'store: %SQLSTATE 23514%'"));
    }

    [Fact]
    public async Task Postgres_unavailable_answers_retry_for_every_message_and_a_redelivery_completes_it()
    {
        await using var db = await DatabaseAsync("storeretry");
        var binding = new NpgsqlBinding(db.DataSource) { FailNextWithConnectionError = 1 };
        var processor = Processor(binding, new StoreOptions { MaxStatementBytes = 64 * 1024, MaxEventsPerStatement = 2 });
        var delivery = Decode(CloudEvent("m1", Event("a"), Event("b")), CloudEvent("m2", Event("c"), Event("d")));

        var failed = await processor.ProcessAsync(delivery, CancellationToken.None);
        var redelivered = await processor.ProcessAsync(delivery, CancellationToken.None);

        Assert.All(failed.Values, s => Assert.Equal(DeliveryStatus.Retry, s));
        Assert.Equal(1, binding.Calls - 2);
        Assert.All(redelivered.Values, s => Assert.Equal(DeliveryStatus.Success, s));
        Assert.Equal(4, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.dead_letters"));
    }

    [Fact]
    public async Task Undecodable_messages_are_acknowledged_without_a_row_or_a_second_dead_letter()
    {
        await using var db = await DatabaseAsync("storepoison");
        var poison = """{"specversion":"1.0","id":"bad","source":"s","type":"t","data":{"events":[{"tenant_id":"acme"}]}}""";

        var statuses = await Processor(new NpgsqlBinding(db.DataSource)).ProcessAsync(Decode(poison, CloudEvent("m1", Event("ok"))), CancellationToken.None);

        Assert.All(statuses.Values, s => Assert.Equal(DeliveryStatus.Success, s));
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.dead_letters"));
    }

    [Fact]
    public async Task Before_the_schema_is_migrated_every_message_is_retried()
    {
        await using var db = await DatabaseAsync("storenotready");
        var binding = new NpgsqlBinding(db.DataSource);

        var statuses = await Processor(binding, schemaReady: false).ProcessAsync(Decode(CloudEvent("m1", Event("a"))), CancellationToken.None);

        Assert.Equal(DeliveryStatus.Retry, statuses["e0"]);
        Assert.Equal(0, binding.Calls);
    }

    [Fact]
    public void Text_postgres_cannot_hold_becomes_a_replacement_character_the_same_way_every_time()
    {
        // The decoder refuses U+0000 from JSON; events built by other code paths (restore, tests) still get a storable row.
        var e = new LogEvent { Id = "a\0b", TenantId = "t", Timestamp = Now, Severity = Severity.Info, Service = "s", Message = "x\0y\ud800" };

        var row = Encoding.UTF8.GetString(EventRowsStatement.Row(e, "m", Now));

        Assert.Equal(row, Encoding.UTF8.GetString(EventRowsStatement.Row(e, "m", Now)));
        Assert.Contains("\"id\":\"a\\uFFFDb\"", row, StringComparison.Ordinal);
        Assert.Contains("\"m\":\"x\\uFFFDy\\uFFFD\"", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_far_outside_the_partitions_lands_in_the_default_partition_and_moves_when_its_day_is_created()
    {
        await using var db = await DatabaseAsync("storeold");
        var old = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

        await Processor(new NpgsqlBinding(db.DataSource)).ProcessAsync(Decode(CloudEvent("m1", Event("old", at: old))), CancellationToken.None);
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events_default"));

        await using (var connection = await db.DataSource.OpenConnectionAsync())
        {
            await LogDapr.Aggregator.Database.Partitions.DailyPartitions.LogEvents.CreateAsync(connection, "logdapr", DateOnly.FromDateTime(old.UtcDateTime), CancellationToken.None);
        }

        Assert.Equal(0, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events_default"));
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.log_events_p20010203"));
    }

    private static string DailyPartitionsName(DateOnly day) => LogDapr.Aggregator.Database.Partitions.DailyPartitions.LogEvents.PartitionName(day);
}
