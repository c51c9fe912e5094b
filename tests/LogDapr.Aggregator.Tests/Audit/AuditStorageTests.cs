using LogDapr.ServiceDefaults.Audit;
using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.DeadLetters;
using LogDapr.Aggregator.Sink;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Aggregator.Tests.Store.Retention;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Audit;
using LogDapr.Configuration.Store;
using LogDapr.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace LogDapr.Aggregator.Tests.Audit;

/// <summary>audit_log itself: append-only, its own retention, records written by the change's own statement, the key-failure limit.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AuditStorageTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_table_refuses_update_delete_and_truncate()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "auditro");
        await db.ExecAsBindingAsync(
            "INSERT INTO logdapr.audit_log (actor, action, outcome, status_code) VALUES ($1, $2, $3, $4)", """["_admin/k", "auth.failure", "denied", 401]""");

        foreach (var sql in new[]
                 {
                     "UPDATE logdapr.audit_log SET outcome = 'success'", "DELETE FROM logdapr.audit_log", "TRUNCATE logdapr.audit_log",
                     // The setting only lets DELETE through, and only the retention job sets it.
                     "BEGIN; SET LOCAL logdapr.audit_retention = 'on'; UPDATE logdapr.audit_log SET outcome = 'success'; COMMIT",
                 })
        {
            var ex = await Assert.ThrowsAsync<PostgresException>(() => db.ExecAsBindingAsync(sql, "[]"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, ex.SqlState);
            Assert.Contains("append-only", ex.MessageText, StringComparison.Ordinal);
        }

        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.audit_log WHERE outcome = 'denied'"));
    }

    [Fact]
    public async Task Retention_deletes_audit_records_older_than_AuditDays_and_nothing_else()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "auditret");
        foreach (var days in new[] { -400, -91, -89, -1 })
        {
            await db.ExecAsBindingAsync(
                "INSERT INTO logdapr.audit_log (actor, action, outcome, status_code, resource, at) VALUES ('a', 'auth.failure', 'denied', 401, $1, $2::timestamptz)",
                $"""["{days}", "{Now.AddDays(days):O}"]""");
        }

        await db.ExecAsBindingAsync("INSERT INTO logdapr.dead_letters (message_id, payload, reason) VALUES ('m', '{}', 'bad')", "[]");
        var store = new StoreOptions { Retention = new StoreRetentionOptions { AuditDays = 90, DeadLettersDays = 3650 } };
        var retention = new AuditRetention(db.DataSource, RetentionRig.Postgres, Options.Create(store), new RetentionMetrics(new TestMeterFactory()),
            new FakeTimeProvider(Now), NullLogger<AuditRetention>.Instance);

        await retention.RunAsync(CancellationToken.None);

        Assert.Equal(["-1", "-89"], await ResourcesAsync(db));
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.dead_letters"));
        // Outside the retention job's transaction the table is append-only again.
        await Assert.ThrowsAsync<PostgresException>(() => db.ExecAsBindingAsync("DELETE FROM logdapr.audit_log", "[]"));
    }

    [Fact]
    public async Task A_replay_count_and_its_record_are_one_statement_and_nothing_is_recorded_when_nothing_changed()
    {
        await using var db = await MigratedDatabase.CreateAsync(postgres, "auditreplay");
        await db.ExecAsBindingAsync("INSERT INTO logdapr.dead_letters (message_id, payload, reason, tenant_id) VALUES ('m', '{}', 'bad', 'acme')", "[]");
        var writer = new DeadLetterWriter(new NpgsqlBinding(db.DataSource), Options.Create(new PostgresOptions { Schema = MigratedDatabase.Schema }));

        var replayed = Scope("dead_letter/1", "acme");
        await writer.RecordReplayAsync(1, replayed, CancellationToken.None);
        var missing = Scope("dead_letter/2", null);
        await writer.RecordReplayAsync(2, missing, CancellationToken.None);

        Assert.True(replayed.Recorded);
        Assert.False(missing.Recorded);
        Assert.Equal(1, await db.ScalarAsync("SELECT replay_count FROM logdapr.dead_letters WHERE id = 1"));
        Assert.Equal(1, await db.ScalarAsync(
            "SELECT count(*) FROM logdapr.audit_log WHERE action = 'dead_letter.replay' AND tenant_id = 'acme' AND resource = 'dead_letter/1' AND outcome = 'success' AND status_code = 202"));
        Assert.Equal(1, await db.ScalarAsync("SELECT count(*) FROM logdapr.audit_log"));

        // A record the table refuses rolls the change back with it: one statement, one transaction.
        await db.ExecAsBindingAsync("ALTER TABLE logdapr.audit_log ADD CONSTRAINT test_refuse CHECK (resource <> 'dead_letter/1') NOT VALID", "[]");
        await Assert.ThrowsAsync<SinkException>(() => writer.RecordReplayAsync(1, Scope("dead_letter/1", "acme"), CancellationToken.None));
        Assert.Equal(1, await db.ScalarAsync("SELECT replay_count FROM logdapr.dead_letters WHERE id = 1"));
    }

    [Fact]
    public void Key_failures_beyond_the_limits_are_suppressed_and_counted_on_the_addresss_next_record()
    {
        var time = new FakeTimeProvider(Now);
        var limiter = new AuthFailureLimiter(Options.Create(new AuditOptions { AuthFailuresPerAddressPerMinute = 2, AuthFailuresPerMinute = 3 }), time);

        var recorded = Enumerable.Range(0, 5).Count(_ => limiter.TryRecord("10.0.0.1", out _));
        Assert.Equal(2, recorded);
        Assert.True(limiter.TryRecord("10.0.0.2", out var none));
        Assert.Equal(0, none);
        Assert.False(limiter.TryRecord("10.0.0.3", out _)); // the replica's 3 per minute are used

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(limiter.TryRecord("10.0.0.1", out var suppressed));
        Assert.Equal(3, suppressed);
        Assert.True(limiter.TryRecord("10.0.0.3", out var third));
        Assert.Equal(1, third);
        Assert.True(limiter.TryRecord("10.0.0.1", out var after));
        Assert.Equal(0, after);
    }

    private static AuditScope Scope(string resource, string? tenant)
        => AuditScope.Open(new DefaultHttpContext(), AuditActions.DeadLetterReplay, tenant, resource);

    private static async Task<List<string>> ResourcesAsync(MigratedDatabase db)
    {
        await using var command = db.DataSource.CreateCommand("SELECT resource FROM logdapr.audit_log ORDER BY resource");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
