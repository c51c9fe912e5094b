using System.Text;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;

namespace LogDapr.Contracts.Tests;

public class LogEventRunsTests
{
    private static LogEvent Event(int i, int messageLength = 40) => new()
    {
        Id = "evt-" + i,
        TenantId = "acme",
        Timestamp = new DateTimeOffset(2026, 11, 29, 7, 0, 0, TimeSpan.Zero).AddSeconds(i),
        Severity = Severity.Info,
        Service = "checkout",
        Message = new string((char)('a' + (i % 26)), messageLength),
        Attributes = [],
    };

    private static List<(string Json, int First, int Count)> Runs(IReadOnlyList<LogEvent> events, int maxEvents, int maxBytes)
    {
        var runs = new List<(string, int, int)>();
        LogEventRuns.Split(events, maxEvents, maxBytes, runs, static (runs, data, first, count) => runs.Add((Encoding.UTF8.GetString(data), first, count)));
        return runs;
    }

    [Fact]
    public void Runs_cover_every_event_once_in_order_within_both_bounds()
    {
        var events = Enumerable.Range(0, 23).Select(i => Event(i, 10 + (i * 17 % 90))).ToList();

        var runs = Runs(events, maxEvents: 5, maxBytes: 600);

        Assert.Equal(Enumerable.Range(0, 23), runs.SelectMany(r => Enumerable.Range(r.First, r.Count)));
        Assert.All(runs, r => Assert.InRange(r.Count, 1, 5));
        Assert.All(runs, r => Assert.True(Encoding.UTF8.GetByteCount(r.Json) <= 600 || r.Count == 1, $"run at {r.First} has {r.Json.Length} bytes"));
        // Each run is exactly the wire form of its events.
        Assert.All(runs, r => Assert.Equal(Wire.WriteBatch(events.GetRange(r.First, r.Count)), r.Json));
    }

    [Fact]
    public void A_run_too_large_is_halved_and_a_single_event_always_passes()
    {
        var events = new[] { Event(0, 500), Event(1, 10), Event(2, 10), Event(3, 10) };

        var runs = Runs(events, maxEvents: 4, maxBytes: 300);

        Assert.Equal([(0, 1), (1, 2), (3, 1)], runs.Select(r => (r.First, r.Count)));
    }

    [Fact]
    public void A_handler_that_cuts_other_events_does_not_overwrite_the_run_it_was_given()
    {
        var outer = Enumerable.Range(0, 4).Select(i => Event(i)).ToList();
        var inner = Enumerable.Range(100, 4).Select(i => Event(i, 80)).ToList();
        var seen = new List<string>();

        LogEventRuns.Split(outer, 2, int.MaxValue, seen, (seen, data, first, count) =>
        {
            var before = Encoding.UTF8.GetString(data);
            _ = Runs(inner, 1, int.MaxValue);
            // The span still holds this run after the nested cut wrote its own.
            Assert.Equal(before, Encoding.UTF8.GetString(data));
            seen.Add(before);
        });

        Assert.Equal([Wire.WriteBatch(outer.GetRange(0, 2)), Wire.WriteBatch(outer.GetRange(2, 2))], seen);
        // The buffer returned after the nested call is reused cleanly by the next call on this thread.
        Assert.Equal(Wire.WriteBatch(inner), Runs(inner, 10, int.MaxValue).Single().Json);
    }
}
