using System.Buffers;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration.Store;
using LogDapr.Contracts.Events;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LogDapr.Aggregator.Store.Archive;

/// <summary>
/// Exports a tenant-day of log_events as gzip-compressed NDJSON parts plus a manifest, through the archive binding.
/// Rows are streamed in key order and compressed as they come; a part is sent once it nears Store:Archive:MaxPartBytes,
/// so memory holds at most one part, whatever the day's size. The manifest goes last: a manifest names only parts
/// that were written. Re-running writes the same names again.
/// </summary>
public sealed class EventArchiver(IArchiveBinding binding, IOptions<PostgresOptions> postgres, IOptions<StoreOptions> store, TimeProvider time) : ITenantDayArchive
{
    /// <summary>
    /// Room left in a part for what the compressor still holds (deflate emits output in blocks, each bounded well
    /// under this) plus one line: a part is closed before adding a line when less than this remains.
    /// </summary>
    private const int Headroom = 128 * 1024;

    public const string PartContentType = "application/gzip";
    public const string ManifestContentType = "application/json";

    public bool Enabled => store.Value.Archive.Enabled;

    public async Task<ArchiveManifest> ArchiveAsync(NpgsqlConnection connection, string tenant, DateOnly day, CancellationToken cancellationToken)
    {
        var options = store.Value.Archive;
        var parts = new List<ArchivePart>();
        await using var command = new NpgsqlCommand($"""
            SELECT event_id, ts, received_at, service, severity, host, message, attributes::text, trace_id, span_id, message_id
            FROM {postgres.Value.Schema}.log_events
            WHERE tenant_id = @tenant AND event_day = @day
            ORDER BY event_id
            """, connection);
        command.Parameters.AddWithValue("tenant", tenant);
        command.Parameters.AddWithValue("day", day);
        var line = new ArrayBufferWriter<byte>(1024);
        var part = new PartBuffer();
        try
        {
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    line.Clear();
                    ArchiveLine.Write(line, Row(reader, tenant));
                    if (part.EventCount > 0 && part.CompressedLength + line.WrittenCount + Headroom > options.MaxPartBytes)
                    {
                        parts.Add(await SendAsync(part, options.Prefix, tenant, day, parts.Count + 1, cancellationToken).ConfigureAwait(false));
                        part.Dispose();
                        part = new PartBuffer();
                    }

                    part.Append(line.WrittenSpan);
                }
            }

            if (part.EventCount > 0)
            {
                parts.Add(await SendAsync(part, options.Prefix, tenant, day, parts.Count + 1, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            part.Dispose();
        }

        var manifest = new ArchiveManifest(tenant, day, parts.Sum(p => p.EventCount), parts.Sum(p => p.ByteSize), parts, time.GetUtcNow());
        await binding.CreateAsync(ArchiveNames.Manifest(options.Prefix, tenant, day), manifest.ToJson(), ManifestContentType, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    private async Task<ArchivePart> SendAsync(PartBuffer part, string prefix, string tenant, DateOnly day, int number, CancellationToken cancellationToken)
    {
        var content = part.Finish();
        var name = ArchiveNames.Part(prefix, tenant, day, number);
        await binding.CreateAsync(name, content, PartContentType, cancellationToken).ConfigureAwait(false);
        return new ArchivePart(name[(name.LastIndexOf('/') + 1)..], part.EventCount, content.Length, Convert.ToHexStringLower(SHA256.HashData(content.Span)));
    }

    private static ArchivedEvent Row(NpgsqlDataReader reader, string tenant)
    {
        var attributes = new List<KeyValuePair<string, string>>();
        using (var document = JsonDocument.Parse(reader.GetString(7)))
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                // The store writes string values only; anything else is kept as its JSON text rather than failing the archive.
                attributes.Add(KeyValuePair.Create(property.Name, property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText()));
            }
        }

        var e = new LogEvent
        {
            Id = reader.GetString(0),
            TenantId = tenant,
            Timestamp = reader.GetFieldValue<DateTimeOffset>(1),
            Severity = (Severity)reader.GetInt16(4),
            Service = reader.GetString(3),
            Host = reader.IsDBNull(5) ? null : reader.GetString(5),
            Message = reader.GetString(6),
            Attributes = attributes,
            TraceId = reader.IsDBNull(8) ? null : reader.GetString(8),
            SpanId = reader.IsDBNull(9) ? null : reader.GetString(9),
        };
        return new ArchivedEvent(e, reader.GetString(10), reader.GetFieldValue<DateTimeOffset>(2));
    }

    /// <summary>One part being compressed: NDJSON lines into a gzip member in memory.</summary>
    private sealed class PartBuffer : IDisposable
    {
        private readonly MemoryStream compressed = new();
        private readonly GZipStream gzip;

        public PartBuffer() => gzip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true);

        public long EventCount { get; private set; }

        public long CompressedLength => compressed.Length;

        public void Append(ReadOnlySpan<byte> line)
        {
            gzip.Write(line);
            gzip.WriteByte((byte)'\n');
            EventCount++;
        }

        public ReadOnlyMemory<byte> Finish()
        {
            gzip.Dispose();
            return compressed.GetBuffer().AsMemory(0, (int)compressed.Length);
        }

        public void Dispose()
        {
            gzip.Dispose();
            compressed.Dispose();
        }
    }
}
