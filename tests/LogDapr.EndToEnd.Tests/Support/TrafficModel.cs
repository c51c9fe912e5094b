using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace LogDapr.EndToEnd.Tests.Support;

/// <summary>
/// Generates events in every shape ingest accepts and remembers how many of each (tenant, service, severity,
/// minute) it generated, so a test can compare the pipeline's counts with the truth, key by key.
/// </summary>
public sealed class TrafficModel(int seed, DateTimeOffset baseMinute)
{
    private static readonly string[] Tenants = ["acme", "globex", "initech"];
    private static readonly string[] Services = ["api", "web", "worker"];
    private static readonly (string Spelling, string Normalized)[] Severities =
    [
        ("debug", "debug"), ("INFO", "info"), ("warning", "warn"), ("err", "error"), ("critical", "fatal"), ("trace", "trace"), ("syslog:3", "error"),
    ];

    private readonly Random random = new(seed);
    private readonly Dictionary<CountKey, long> expected = [];
    // The ids of the events of each Next answer (withIds), found again by the keys list Commit is given.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<List<CountKey>, List<string>> idsOf = [];
    private readonly HashSet<string> committedIds = new(StringComparer.Ordinal);
    // Tests send from many tasks at once (the overload test); Random and Dictionary are not thread-safe.
    private readonly Lock gate = new();
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private long eventNumber;

    public DateTimeOffset From => baseMinute.AddMinutes(-1);
    public DateTimeOffset To => baseMinute.AddMinutes(MinuteSpread + 1);
    public const int MinuteSpread = 10;

    public IReadOnlyDictionary<CountKey, long> Expected => expected;
    public long ExpectedTotal => expected.Values.Sum();

    /// <summary>The ids of every committed event sent with an id.</summary>
    public IReadOnlySet<string> CommittedIds => committedIds;

    public sealed record Payload(HttpContent Content, int Events, string Shape);

    /// <summary>
    /// A request of the given shape with <paramref name="events"/> valid events, each with its own <c>id</c> when
    /// <paramref name="withIds"/>. Call <see cref="Commit"/> only for those that got a 202.
    /// </summary>
    public (Payload Payload, List<CountKey> Keys) Next(int events, int shape, bool withIds = false)
    {
        var keys = new List<CountKey>(events);
        var lines = new List<string>(events);
        var ids = new List<string>(withIds ? events : 0);
        lock (gate)
        {
            for (var i = 0; i < events; i++)
            {
                string? id = withIds ? $"evt-{run}-{++eventNumber}" : null;
                var (line, key) = Event(id);
                lines.Add(line);
                keys.Add(key);
                if (id is not null)
                {
                    ids.Add(id);
                }
            }

            if (withIds)
            {
                idsOf.Add(keys, ids);
            }
        }

        Payload payload = (shape % 5) switch
        {
            0 when events == 1 => new(Json(lines[0]), 1, "single"),
            0 or 1 => new(Json("[" + string.Join(',', lines) + "]"), events, "array"),
            2 => new(Json("{\"events\":[" + string.Join(',', lines) + "]}"), events, "wrapped"),
            3 => new(Ndjson(string.Join('\n', lines) + "\n"), events, "ndjson"),
            _ => new(Gzip("[" + string.Join(',', lines) + "]"), events, "gzip"),
        };
        return (payload, keys);
    }

    public void Commit(IEnumerable<CountKey> keys)
    {
        lock (gate)
        {
            foreach (var key in keys)
            {
                expected[key] = expected.GetValueOrDefault(key) + 1;
            }

            if (keys is List<CountKey> list && idsOf.TryGetValue(list, out var ids))
            {
                committedIds.UnionWith(ids);
            }
        }
    }

    private (string Line, CountKey Key) Event(string? id)
    {
        var tenant = Tenants[random.Next(Tenants.Length)];
        var service = Services[random.Next(Services.Length)];
        var (spelling, normalized) = Severities[random.Next(Severities.Length)];
        var minute = random.Next(MinuteSpread);
        var timestamp = baseMinute.AddMinutes(minute).AddMilliseconds(random.Next(60_000));
        var fields = new Dictionary<string, object>();
        if (id is not null)
        {
            fields["id"] = id;
        }

        var line = JsonSerializer.Serialize(new Dictionary<string, object>(fields)
        {
            ["tenant_id"] = tenant,
            ["service"] = service,
            ["severity"] = spelling,
            ["timestamp"] = timestamp.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["message"] = $"request {random.Next()} handled",
            ["attributes"] = new Dictionary<string, object> { ["region"] = "eu", ["attempt"] = random.Next(3) },
        });
        return (line, new CountKey(baseMinute.AddMinutes(minute), tenant, service, normalized));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static StringContent Ndjson(string body) => new(body, Encoding.UTF8, "application/x-ndjson");

    private static ByteArrayContent Gzip(string body)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(body));
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        content.Headers.ContentEncoding.Add("gzip");
        return content;
    }
}

public readonly record struct CountKey(DateTimeOffset Minute, string Tenant, string Service, string Severity)
{
    public override string ToString() => $"{Minute:HH:mm} {Tenant}/{Service}/{Severity}";
}
