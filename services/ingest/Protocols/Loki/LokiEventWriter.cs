using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Protocols.Loki;

/// <summary>
/// The one mapping of a Loki push onto LogEvent v1, for the JSON and the protobuf push alike: writes each entry as an
/// NDJSON line in push order, so the intake's rejected index is the entry's index in the push.
/// Labels (README "Loki push API"): the first of <c>service_name</c>, <c>service</c>, <c>app</c>, <c>job</c> with a
/// value is the service; <c>level</c> or <c>detected_level</c> is the severity when it is a known severity name (else
/// <c>info</c>, the label kept as an attribute); every other label and the entry's structured metadata become
/// attributes (metadata wins a clash). A timestamp that is not one is passed on as written, so the reader rejects that
/// entry alone, as Loki's distributor rejects an out-of-range entry and keeps the others. Every entry gets the id
/// <see cref="LokiEventIds"/> derives, so a retried push is counted once.
/// </summary>
internal sealed class LokiEventWriter : IDisposable
{
    private static readonly string[] ServiceLabels = ["service_name", "service", "app", "job"];
    private static readonly string[] LevelLabels = ["level", "detected_level"];
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string? tenant;
    private readonly string idTenant;
    private readonly int maxBytes;
    private readonly ArrayBufferWriter<byte> output;
    private readonly Utf8JsonWriter writer;
    private readonly SortedDictionary<string, string> attributes = new(StringComparer.Ordinal);
    private readonly List<KeyValuePair<string, string>> streamAttributes = [];
    private readonly List<KeyValuePair<string, string>> streamLabels = [];
    private readonly List<KeyValuePair<string, string>> entryMetadata = [];
    private readonly Dictionary<string, int> occurrences = new(StringComparer.Ordinal);
    private string? service;
    private string severity = "info";

    /// <param name="tenant">The tenant every event names, or null for the intake's default (the key's tenant).</param>
    /// <param name="idTenant">The tenant the events' ids are derived for: <paramref name="tenant"/>, else the caller's.</param>
    /// <param name="maxBytes">Bound on the NDJSON: labels repeat on every entry, so it can outgrow the body.</param>
    public LokiEventWriter(string? tenant, string idTenant, int maxBytes, int sizeHint)
    {
        this.tenant = tenant;
        this.idTenant = idTenant;
        this.maxBytes = maxBytes;
        output = new ArrayBufferWriter<byte>(Math.Clamp(sizeHint, 256, 64 * 1024));
        writer = new Utf8JsonWriter(output, WriterOptions);
    }

    public int Entries { get; private set; }

    /// <summary>True once the NDJSON passed its bound; the caller stops and answers 413.</summary>
    public bool Overflowed => output.WrittenCount > maxBytes;

    public string OverflowMessage => $"the push takes more than {maxBytes} bytes as events (labels count once per entry); send smaller batches";

    public ReadOnlyMemory<byte> Ndjson => output.WrittenMemory;

    /// <summary>Starts a stream: its labels (already validated by <see cref="LokiLabels"/>) decide service, severity and attributes.</summary>
    public void BeginStream(IReadOnlyList<KeyValuePair<string, string>> labels)
    {
        string? serviceLabel = null;
        foreach (var name in ServiceLabels)
        {
            if (Find(labels, name) is { Length: > 0 })
            {
                serviceLabel = name;
                break;
            }
        }

        string? levelLabel = null;
        severity = "info";
        foreach (var name in LevelLabels)
        {
            if (Find(labels, name) is { } level)
            {
                if (SeverityNames.TryParse(level.AsSpan(), out var parsed))
                {
                    severity = SeverityNames.ToWire(parsed);
                    levelLabel = name;
                }

                break;
            }
        }

        service = serviceLabel is null ? null : Find(labels, serviceLabel);
        streamLabels.Clear();
        streamLabels.AddRange(labels);
        streamLabels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        streamAttributes.Clear();
        foreach (var label in labels)
        {
            if (label.Key != serviceLabel && label.Key != levelLabel)
            {
                streamAttributes.Add(label);
            }
        }
    }

    /// <param name="timestamp">RFC 3339, or the text as sent when it is not a time (the reader rejects the entry).</param>
    /// <param name="nanos">The timestamp for the event's id: <see cref="NanosText"/> or <see cref="Nanos"/>.</param>
    public void WriteEntry(string timestamp, string nanos, string line, IEnumerable<KeyValuePair<string, string>> metadata)
    {
        entryMetadata.Clear();
        entryMetadata.AddRange(metadata);
        var id = LokiEventIds.For(idTenant, streamLabels, nanos, line, entryMetadata, 0);
        ref var before = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(occurrences, id, out _);
        if (before > 0)
        {
            id = LokiEventIds.For(idTenant, streamLabels, nanos, line, entryMetadata, before);
        }

        before++;
        writer.Reset();
        writer.WriteStartObject();
        writer.WriteString(LogEventFields.Id, id);
        if (tenant is not null)
        {
            writer.WriteString("tenant_id", tenant);
        }

        writer.WriteString("timestamp", timestamp);
        writer.WriteString("severity", severity);
        if (service is not null)
        {
            writer.WriteString("service", service);
        }

        writer.WriteString("message", line);
        attributes.Clear();
        foreach (var (name, value) in streamAttributes)
        {
            attributes[name] = value;
        }

        foreach (var (name, value) in entryMetadata)
        {
            attributes[name] = value;
        }

        if (attributes.Count > 0)
        {
            writer.WriteStartObject("attributes");
            foreach (var (name, value) in attributes)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.Flush();
        output.Write("\n"u8);
        Entries++;
    }

    /// <summary>Loki's JSON timestamp: nanoseconds since the epoch as a decimal string.</summary>
    public static string FromNanosText(string nanos)
        => long.TryParse(nanos, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? DateTimeOffset.UnixEpoch.AddTicks(value / 100).ToString("O", CultureInfo.InvariantCulture)
            : nanos;

    /// <summary>Loki's JSON timestamp for the id: the nanoseconds without leading zeros, else as sent.</summary>
    public static string NanosText(string nanos)
        => long.TryParse(nanos, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value.ToString(CultureInfo.InvariantCulture)
            : nanos;

    /// <summary>Loki's protobuf timestamp for the id, in nanoseconds: the same text as <see cref="NanosText"/> for the same time.</summary>
    public static string Nanos(long seconds, int nanos) => (((Int128)seconds * 1_000_000_000) + nanos).ToString(CultureInfo.InvariantCulture);

    /// <summary>Loki's protobuf timestamp (google.protobuf.Timestamp); absent is the epoch, which the reader rejects as too old, as Loki does.</summary>
    public static string FromSecondsAndNanos(long seconds, int nanos)
    {
        // 0001-01-01 to 9999-12-31, the range of a DateTimeOffset and of a protobuf Timestamp alike.
        const long MinSeconds = -62_135_596_800L;
        const long MaxSeconds = 253_402_300_799L;
        if (seconds is < MinSeconds or > MaxSeconds || nanos is < 0 or > 999_999_999)
        {
            return string.Create(CultureInfo.InvariantCulture, $"seconds={seconds} nanos={nanos}");
        }

        return DateTimeOffset.UnixEpoch.AddSeconds(seconds).AddTicks(nanos / 100).ToString("O", CultureInfo.InvariantCulture);
    }

    public void Dispose() => writer.Dispose();

    private static string? Find(IReadOnlyList<KeyValuePair<string, string>> labels, string name)
    {
        foreach (var label in labels)
        {
            if (label.Key == name)
            {
                return label.Value;
            }
        }

        return null;
    }
}
