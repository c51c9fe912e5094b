using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace LogDapr.Aggregator.Store.Archive;

/// <summary>One compressed part of a tenant-day: its object name (relative to the day's folder), events, size and SHA-256.</summary>
public sealed record ArchivePart(string Name, long EventCount, long ByteSize, string Sha256);

/// <summary>
/// What an archived tenant-day holds, written after all its parts (so a manifest names only parts that exist):
/// <c>{"schema_version":1,"tenant_id","day","event_count","byte_size","parts":[{"name","event_count","byte_size","sha256"}],"archived_at"}</c>.
/// byte_size is of the compressed parts; sha256 (lowercase hex) is of each compressed part as stored.
/// </summary>
public sealed record ArchiveManifest(string TenantId, DateOnly Day, long EventCount, long ByteSize, IReadOnlyList<ArchivePart> Parts, DateTimeOffset ArchivedAt)
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public byte[] ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("schema_version", SchemaVersion);
            writer.WriteString("tenant_id", TenantId);
            writer.WriteString("day", Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            writer.WriteNumber("event_count", EventCount);
            writer.WriteNumber("byte_size", ByteSize);
            writer.WriteStartArray("parts");
            foreach (var part in Parts)
            {
                writer.WriteStartObject();
                writer.WriteString("name", part.Name);
                writer.WriteNumber("event_count", part.EventCount);
                writer.WriteNumber("byte_size", part.ByteSize);
                writer.WriteString("sha256", part.Sha256);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteString("archived_at", ArchivedAt.UtcDateTime);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="FormatException">Not a manifest this version reads.</exception>
    public static ArchiveManifest Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            var version = root.GetProperty("schema_version").GetInt32();
            if (version != CurrentSchemaVersion)
            {
                throw new FormatException($"archive manifest schema_version {version} is not {CurrentSchemaVersion}");
            }

            var parts = root.GetProperty("parts").EnumerateArray()
                .Select(p => new ArchivePart(p.GetProperty("name").GetString()!, p.GetProperty("event_count").GetInt64(), p.GetProperty("byte_size").GetInt64(), p.GetProperty("sha256").GetString()!))
                .ToList();
            return new ArchiveManifest(
                root.GetProperty("tenant_id").GetString()!,
                DateOnly.ParseExact(root.GetProperty("day").GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture),
                root.GetProperty("event_count").GetInt64(),
                root.GetProperty("byte_size").GetInt64(),
                parts,
                root.GetProperty("archived_at").GetDateTimeOffset());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException("not an archive manifest: " + ex.Message, ex);
        }
    }
}
