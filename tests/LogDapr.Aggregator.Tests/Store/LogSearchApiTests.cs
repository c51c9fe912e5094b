using System.Text.Json.Nodes;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Aggregator.Tests.Store;

/// <summary>GET /v1/logs, /v1/logs/{id} and /v1/logs/context of the store role against real Postgres.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LogSearchApiTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private StoreHost host = null!;

    public async Task InitializeAsync()
    {
        host = await StoreHost.StartAsync(postgres, "storesearch");
        StoredRow[] rows =
        [
            new("acme", "a1", Now.AddMinutes(-50), "api", 3, "h1", "user login ok", """{"region":"eu","user":"u1"}""", "trace-1"),
            new("acme", "a2", Now.AddMinutes(-40), "api", 5, "h1", "payment failed: connection refused", """{"region":"us"}""", "trace-1"),
            new("acme", "a3", Now.AddMinutes(-30), "web", 4, "h2", "slow request GET /healthz", """{"region":"eu"}"""),
            new("acme", "a4", Now.AddMinutes(-20), "api", 6, "h2", "connection pool exhausted, refused new work", """{"region":"eu","user":"u2"}"""),
            new("acme", "a5", Now.AddMinutes(-10), "api", 2, "h1", "debug refused connection retry"),
            new("acme", "old", Now.AddDays(-3), "api", 5, "h1", "payment failed long ago", null, "trace-old"),
            new("globex", "g1", Now.AddMinutes(-15), "api", 5, "h1", "payment failed: connection refused", """{"region":"eu"}""", "trace-1"),
        ];
        foreach (var row in rows)
        {
            await host.InsertAsync(row);
        }
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static List<string> Ids(JsonNode body) => [.. body["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>())];

    [Theory]
    [InlineData("", "a5,a4,a3,a2,a1")]
    [InlineData("service=web", "a3")]
    [InlineData("severity=error", "a2")]
    [InlineData("severity=ERR", "a2")]
    [InlineData("min_severity=warn", "a4,a3,a2")]
    [InlineData("host=h2", "a4,a3")]
    [InlineData("attr.region=eu", "a4,a3,a1")]
    [InlineData("attr.region=eu&attr.user=u2", "a4")]
    [InlineData("trace_id=trace-1", "a2,a1")]
    [InlineData("trace_id=trace-old", "old")]
    [InlineData("service=api&min_severity=error&host=h2", "a4")]
    [InlineData("q=refused", "a5,a4,a2")]
    [InlineData("q=REFUSED%20connection", "a5,a4,a2")]
    [InlineData("q=%22connection%20refused%22", "a2")]
    [InlineData("q=refused%20-payment", "a5,a4")]
    [InlineData("q=refused%20-%22connection%20refused%22", "a5,a4")]
    [InlineData("q=%2Fhealthz", "a3")]
    [InlineData("q=healthz", "")]
    [InlineData("q=login%20or%20%2Fhealthz", "a3,a1")]
    public async Task Filters_and_full_text_find_exactly_the_matching_events_of_the_tenant_newest_first(string query, string expected)
    {
        var (status, body, text) = await host.GetAsync("/v1/logs?" + query, host.Acme);

        Assert.True(status == 200, $"{query} answered {status}: {text}");
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), Ids(body!));
        Assert.Null(body!["next_cursor"]);
    }

    [Fact]
    public async Task An_event_is_shown_with_every_stored_field()
    {
        var (status, body, text) = await host.GetAsync("/v1/logs?q=exhausted", host.Acme);

        Assert.True(status == 200, text);
        var e = body!["events"]![0]!;
        Assert.Equal("a4", e["id"]!.GetValue<string>());
        Assert.Equal("acme", e["tenant"]!.GetValue<string>());
        Assert.Equal("fatal", e["severity"]!.GetValue<string>());
        Assert.Equal("h2", e["host"]!.GetValue<string>());
        Assert.Equal("u2", e["attributes"]!["user"]!.GetValue<string>());
        Assert.Equal("msg-a4", e["message_id"]!.GetValue<string>());
        Assert.NotNull(e["timestamp"]);
        Assert.NotNull(e["received_at"]);
    }

    [Fact]
    public async Task A_tenant_key_sees_only_its_tenant_and_an_admin_key_must_name_one()
    {
        var own = await host.GetAsync("/v1/logs?q=payment", host.Globex);
        var other = await host.GetAsync("/v1/logs?tenant=acme", host.Globex);
        var adminWithout = await host.GetAsync("/v1/logs", host.Admin);
        var adminWith = await host.GetAsync("/v1/logs?tenant=globex", host.Admin);
        var anonymous = await host.GetAsync("/v1/logs", null);

        Assert.Equal(["g1"], Ids(own.Body!));
        Assert.Equal(403, other.Status);
        Assert.Equal(400, adminWithout.Status);
        Assert.NotNull(adminWithout.Body!["errors"]!["tenant"]);
        Assert.Equal(["g1"], Ids(adminWith.Body!));
        Assert.Equal(401, anonymous.Status);
        Assert.Equal(404, (await host.GetAsync("/v1/logs/a1", host.Globex)).Status);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_and_a_cursor_only_works_for_its_own_tenant_and_query()
    {
        var first = await host.GetAsync("/v1/logs?limit=2", host.Acme);
        var cursor = first.Body!["next_cursor"]!.GetValue<string>();
        var second = await host.GetAsync("/v1/logs?limit=2&cursor=" + Uri.EscapeDataString(cursor), host.Acme);
        var third = await host.GetAsync("/v1/logs?limit=2&cursor=" + Uri.EscapeDataString(second.Body!["next_cursor"]!.GetValue<string>()), host.Acme);

        Assert.Equal(["a5", "a4"], Ids(first.Body!));
        Assert.Equal(["a3", "a2"], Ids(second.Body!));
        Assert.Equal(["a1"], Ids(third.Body!));
        Assert.Null(third.Body!["next_cursor"]);

        // Another tenant's key, another query, a changed or a foreign cursor: a 400 naming cursor, never data.
        var stolen = await host.GetAsync("/v1/logs?limit=2&cursor=" + Uri.EscapeDataString(cursor), host.Globex);
        var stolenByAdmin = await host.GetAsync("/v1/logs?tenant=globex&limit=2&cursor=" + Uri.EscapeDataString(cursor), host.Admin);
        var otherQuery = await host.GetAsync("/v1/logs?service=web&cursor=" + Uri.EscapeDataString(cursor), host.Acme);
        var tampered = await host.GetAsync("/v1/logs?limit=2&cursor=" + Uri.EscapeDataString(Tamper(cursor)), host.Acme);
        var garbage = await host.GetAsync("/v1/logs?cursor=not-a-cursor!!", host.Acme);
        foreach (var (status, body, text) in new[] { stolen, stolenByAdmin, otherQuery, tampered, garbage })
        {
            Assert.True(status == 400, $"answered {status}: {text}");
            Assert.NotNull(body!["errors"]!["cursor"]);
        }
    }

    [Fact]
    public async Task Paging_while_events_arrive_neither_repeats_nor_skips_an_event()
    {
        var start = Now.AddMinutes(-30);
        for (var i = 0; i < 150; i++)
        {
            // Pairs share a timestamp so the id decides their order.
            await host.InsertAsync(new StoredRow("paging", $"p{i:D3}", start.AddSeconds(i / 2 * 7), Service: "pager"));
        }

        using var stop = new CancellationTokenSource();
        var inserted = 0;
        var writer = Task.Run(async () =>
        {
            // Newer events, and older ones outside nothing: both inside the window of the first page.
            while (!stop.IsCancellationRequested)
            {
                var n = Interlocked.Increment(ref inserted);
                await host.InsertAsync(new StoredRow("paging", $"new{n:D4}", DateTimeOffset.UtcNow, Service: "pager"));
            }
        });

        var seen = new List<string>();
        string? cursor = null;
        var first = true;
        do
        {
            var (status, body, text) = await host.GetAsync("/v1/logs?tenant=paging&service=pager&limit=7" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)), host.Admin);
            Assert.True(status == 200, text);
            seen.AddRange(Ids(body!));
            cursor = body!["next_cursor"]?.GetValue<string>();
            if (first)
            {
                await Eventually.TrueAsync(() => Volatile.Read(ref inserted) > 20, "the writer inserted events while paging");
                first = false;
            }
        }
        while (cursor is not null);

        await stop.CancelAsync();
        await writer;
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var old = seen.Where(id => id.StartsWith('p')).ToList();
        Assert.Equal(Enumerable.Range(0, 150).Select(i => $"p{i:D3}").Reverse(), old);
    }

    [Fact]
    public async Task One_event_by_id_and_the_lines_around_it_from_the_same_service_and_host()
    {
        var one = await host.GetAsync("/v1/logs/a2", host.Acme);
        var missing = await host.GetAsync("/v1/logs/nope", host.Acme);
        var context = await host.GetAsync("/v1/logs/context?id=a2&before=5&after=5", host.Acme);
        var narrow = await host.GetAsync("/v1/logs/context?id=a2&before=0&after=1", host.Acme);

        Assert.Equal(200, one.Status);
        Assert.Equal("payment failed: connection refused", one.Body!["message"]!.GetValue<string>());
        Assert.Equal(404, missing.Status);
        Assert.Equal("https://logdapr.io/problems/not-found", missing.Body!["type"]!.GetValue<string>());
        Assert.Equal(200, context.Status);
        // Same service api and host h1: old (3 days ago, outside a day) is not context; a5 (debug) is.
        Assert.Equal(["a1"], context.Body!["before"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
        Assert.Equal("a2", context.Body!["event"]!["id"]!.GetValue<string>());
        Assert.Equal(["a5"], context.Body!["after"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
        Assert.Empty(narrow.Body!["before"]!.AsArray());
        Assert.Equal(404, (await host.GetAsync("/v1/logs/context?id=nope", host.Acme)).Status);
        Assert.Equal(400, (await host.GetAsync("/v1/logs/context?id=a2&before=101", host.Acme)).Status);
        Assert.Equal(400, (await host.GetAsync("/v1/logs/context", host.Acme)).Status);
    }

    [Theory]
    [InlineData("from=0001-01-01T00:00:00Z", "from")]
    [InlineData("to=9999-12-31T23:59:59Z", "to")]
    [InlineData("from=2026-11-27T10:00:00Z&to=2026-11-27T09:00:00Z", "from")]
    [InlineData("from=1970-01-01T00:00:00Z&to=2070-01-01T00:00:00Z", "from")]
    [InlineData("from=2020-01-01T00:00:00Z&to=2020-01-09T00:00:00Z", "from")]
    [InlineData("from=yesterday", "from")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=-5", "limit")]
    [InlineData("limit=99999999999999999999", "limit")]
    [InlineData("severity=loud", "severity")]
    [InlineData("min_severity=25", "min_severity")]
    [InlineData("q=%22%22%20--", "q")]
    [InlineData("service=a%00b", "service")]
    [InlineData("attr.=x", "attr.")]
    [InlineData("servce=api", "servce")]
    [InlineData("service=a&service=b", "service")]
    public async Task A_malformed_or_extreme_query_is_a_400_naming_the_parameter(string query, string parameter)
    {
        var (status, body, text) = await host.GetAsync("/v1/logs?" + query, host.Acme);

        Assert.True(status == 400, $"{query} answered {status}: {text}");
        Assert.NotNull(body!["errors"]![parameter]);
    }

    [Fact]
    public async Task A_trace_id_search_may_span_a_hundred_years()
    {
        var (status, body, text) = await host.GetAsync("/v1/logs?trace_id=trace-old&from=1970-01-01T00:00:00Z&to=2070-01-01T00:00:00Z", host.Acme);

        Assert.True(status == 200, text);
        Assert.Equal(["old"], Ids(body!));
    }

    [Fact]
    public async Task Injection_attempts_in_every_parameter_are_answered_200_or_400_and_change_nothing()
    {
        string[] values =
        [
            "'", "''", "\"", "'; DROP TABLE logdapr.log_events; --", "\\", "%", "_", "a' OR '1'='1", "!", "& | ! <-> :*", "(", ")",
            "foo:*", "a <-> b", "!!!a", "-", "-\"", "\"\"\"", "$1", "@tenant", "{\"a\":1}", "\u0000", "a\u0000b", new string('x', 5000),
            string.Join(' ', Enumerable.Repeat("-\"a b\"", 200)), "\ud800", "🙂", "null", "0x00", "1e999",
        ];
        string[] names = ["tenant", "service", "severity", "min_severity", "host", "q", "trace_id", "attr.k", "attr.'; DROP", "from", "to", "limit", "cursor"];
        var before = await host.ScalarAsync("SELECT count(*) FROM logdapr.log_events");
        foreach (var name in names)
        {
            foreach (var value in values)
            {
                var query = $"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(value.Replace("\ud800", "?", StringComparison.Ordinal))}";
                var (status, _, text) = await host.GetAsync("/v1/logs?" + query, host.Acme);
                Assert.True(status is 200 or 400 or 403, $"{query} answered {status}: {text}");
            }
        }

        foreach (var value in values.Take(12))
        {
            var (status, _, text) = await host.GetAsync($"/v1/logs/{Uri.EscapeDataString(value)}", host.Acme);
            Assert.True(status is 404 or 400, $"id {value} answered {status}: {text}");
            var context = await host.GetAsync($"/v1/logs/context?id={Uri.EscapeDataString(value)}", host.Acme);
            Assert.True(context.Status is 404 or 400, $"context id {value} answered {context.Status}: {context.Text}");
        }

        Assert.Equal(before, await host.ScalarAsync("SELECT count(*) FROM logdapr.log_events"));
    }

    private static string Tamper(string cursor)
    {
        var chars = cursor.ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}
