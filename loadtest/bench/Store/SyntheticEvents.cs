using System.Globalization;
using LogDapr.Contracts.Events;

namespace LogDapr.Bench.Store;

/// <summary>
/// Deterministic log events for the store benchmarks: event <c>i</c> is always the same event, so the statement and
/// COPY write the same rows and a search can name tenants, services, hours and trace ids that exist. Shaped like
/// application logs: a skewed service and word mix, mostly info, about a third of the events in 4-event traces.
/// </summary>
public sealed class SyntheticEvents(string tenantPrefix, int tenants, DateOnly firstDay, int days, long events)
{
    public const int Services = 20;
    public const int Hosts = 50;
    public const int EventsPerTrace = 4;

    /// <summary>Vocabulary of the messages; index 0 is the most frequent word.</summary>
    public static IReadOnlyList<string> Words { get; } = BuildWords();

    private static readonly string[] Verbs = ["GET", "POST", "PUT", "DELETE"];
    private static readonly string[] Outcomes = ["completed", "failed", "retried", "timed out", "rejected"];

    public string TenantPrefix => tenantPrefix;
    public int Tenants => tenants;
    public DateOnly FirstDay => firstDay;
    public int Days => days;
    public long Count => events;

    public string Tenant(int t) => $"{tenantPrefix}-t{t}";

    public static string Service(int s) => $"svc-{s:00}";

    public DateOnly Day(long i) => firstDay.AddDays((int)(i * days / events));

    /// <summary>Events spread evenly over the days, each day's over its 24 hours.</summary>
    public DateTimeOffset Timestamp(long i)
    {
        var perDay = Math.Max(1, events / days);
        var inDay = i % perDay;
        var day = Day(i);
        var ticks = (long)(inDay * (TimeSpan.TicksPerDay - 1) / (double)perDay);
        return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddTicks(ticks);
    }

    public int TenantOf(long i) => (int)(Mix(i, 1) % (ulong)tenants);

    /// <summary>A trace holds <see cref="EventsPerTrace"/> consecutive events of one tenant's block (about a third of all events).</summary>
    public string? TraceOf(long i)
    {
        var block = i / EventsPerTrace;
        return Mix(block, 7) % 3 == 0 ? TraceId(block) : null;
    }

    public static string TraceId(long block) => Mix(block, 11).ToString("x16", CultureInfo.InvariantCulture) + Mix(block, 13).ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>A trace id that exists, of the tenant that has it.</summary>
    public (int Tenant, string TraceId, DateOnly Day) ExistingTrace(Random random)
    {
        while (true)
        {
            var i = (long)(random.NextDouble() * (events - EventsPerTrace));
            if (TraceOf(i) is { } trace)
            {
                return (TenantOf(i - (i % EventsPerTrace)), trace, Day(i));
            }
        }
    }

    public LogEvent Event(long i)
    {
        var h = Mix(i, 3);
        // Traces keep their events in one tenant, so a trace lookup by tenant finds all of them.
        var tenant = TenantOf(TraceOf(i) is null ? i : i - (i % EventsPerTrace));
        var service = (int)(Skewed(h, Services));
        var severity = ((h >> 8) % 100) switch
        {
            < 5 => Severity.Debug,
            < 80 => Severity.Info,
            < 93 => Severity.Warn,
            < 99 => Severity.Error,
            _ => Severity.Fatal,
        };
        return new LogEvent
        {
            Id = Mix(i, 5).ToString("x16", CultureInfo.InvariantCulture) + i.ToString("x8", CultureInfo.InvariantCulture),
            TenantId = Tenant(tenant),
            Timestamp = Timestamp(i),
            Severity = severity,
            Service = Service(service),
            Host = $"node-{(h >> 16) % Hosts:00}",
            Message = Message(i, h),
            Attributes = [new("region", $"eu-{(h >> 24) % 3}"), new("status", ((h >> 28) % 2 == 0) ? "200" : "500")],
            TraceId = TraceOf(i),
            SpanId = TraceOf(i) is null ? null : Mix(i, 17).ToString("x16", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>About 200 bytes: a request line and a few words from a skewed vocabulary.</summary>
    private static string Message(long i, ulong h)
    {
        var words = new string[8];
        var w = Mix(i, 19);
        for (var k = 0; k < words.Length; k++)
        {
            words[k] = Words[(int)Skewed(w, Words.Count)];
            w = Mix((long)w, k + 23);
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{Verbs[h % 4]} /api/v1/orders/{(h >> 4) % 100_000} {Outcomes[(h >> 12) % 5]} in {(h >> 20) % 2_000} ms user=u{(h >> 32) % 10_000} {string.Join(' ', words)} request_id={i:x12}");
    }

    /// <summary>0..n-1, low values far more likely (the cube of a uniform draw), like word and service frequencies.</summary>
    private static ulong Skewed(ulong h, int n)
    {
        var u = (h % 1_000_003) / 1_000_003.0;
        return (ulong)(n * u * u * u);
    }

    private static List<string> BuildWords()
    {
        string[] a = ["ka", "lo", "mi", "ne", "pu", "ra", "si", "to", "ve", "zu", "ba", "de"];
        string[] b = ["ran", "lek", "mos", "tiv", "gor", "pel", "sun", "dax", "wil", "fen"];
        string[] c = ["a", "o", "is", "er", "um", "ix", "on", "et"];
        var words = new List<string>(a.Length * b.Length * c.Length);
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                foreach (var z in c)
                {
                    words.Add(x + y + z);
                }
            }
        }

        return words;
    }

    /// <summary>SplitMix64 of (i, salt): cheap, well mixed, reproducible.</summary>
    private static ulong Mix(long i, int salt)
    {
        var z = unchecked((ulong)i * 0x9E3779B97F4A7C15UL + ((ulong)salt * 0xBF58476D1CE4E5B9UL));
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return z ^ (z >> 31);
    }
}
