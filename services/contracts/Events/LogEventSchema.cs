using System.Text;
using LogDapr.Contracts.CloudEvents;

namespace LogDapr.Contracts.Events;

/// <summary>
/// The JSON Schema (draft 2020-12) of one LogEvent v1 object, embedded from <c>JsonSchemas/logevent-v1.schema.json</c>
/// so that ingest can publish it (OpenAPI document, a URL) without a copy that could drift. It mirrors what
/// <see cref="LogEventReader"/> accepts with <see cref="LogEventLimits.Default"/>; the few rules JSON Schema cannot
/// express (dates that do not exist, future skew, byte-based limits, duplicate keys) are named in its description.
/// </summary>
public static class LogEventSchema
{
    /// <summary>The schema's <c>$id</c>, also the CloudEvent <c>dataschema</c> of published events.</summary>
    public const string Id = CloudEventTypes.DataSchema;

    /// <summary>Media type to serve the schema with.</summary>
    public const string MediaType = "application/schema+json";

    /// <summary>Manifest resource name (see the EmbeddedResource item in LogDapr.Contracts.csproj).</summary>
    public const string ResourceName = "LogDapr.Contracts.JsonSchemas.logevent-v1.schema.json";

    private static readonly Lazy<byte[]> Bytes = new(Load);
    private static readonly Lazy<string> Text = new(() => Encoding.UTF8.GetString(Bytes.Value));

    /// <summary>The schema document as UTF-8 JSON.</summary>
    public static ReadOnlyMemory<byte> Utf8Json => Bytes.Value;

    /// <summary>The schema document as text.</summary>
    public static string Json => Text.Value;

    private static byte[] Load()
    {
        using var stream = typeof(LogEventSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded resource {ResourceName} is missing from {typeof(LogEventSchema).Assembly.GetName().Name}");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
