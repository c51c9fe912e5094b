using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;
using LogDapr.Contracts.Events;

namespace LogDapr.Contracts.Tests;

/// <summary>
/// <see cref="LogEventBuilder"/> (events from decoded values) and <see cref="LogEventReader"/> (events from JSON) apply
/// one set of rules: the same values give the same event, or the same errors in the same order.
/// </summary>
public sealed class BuilderTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    private static readonly LogEventLimits Tight = new()
    {
        MaxMessageBytes = 20,
        MaxAttributes = 4,
        MaxAttributeKeyLength = 6,
        MaxAttributeValueBytes = 8,
        MaxTenantIdLength = 6,
        MaxServiceLength = 6,
        MaxHostLength = 6,
        MaxFutureSkew = TimeSpan.FromMinutes(5),
        MaxPastAge = TimeSpan.FromHours(1),
    };

    // Whole code points only: a decoder gives valid UTF-16 (a lone surrogate cannot come out of UTF-8 or protobuf).
    private static readonly Gen<string> Text = Gen.OneOf("a", "B", "7", " ", ".", "-", "\n", "\0", "\u007f", "\"", "é", "😀")
        .Array[0, 8].Select(string.Concat);

    private static readonly Gen<string?> Optional = Gen.Frequency((1, Gen.Const((string?)null)), (3, Text.Select(s => (string?)s)));

    private static readonly Gen<string?> Hex = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (3, Gen.OneOf("0", "a", "F", "9", "g").Array[0, 33].Select(c => (string?)string.Concat(c))),
        (2, Gen.OneOf("0af7651916cd43dd8448eb211c80319c", "B7AD6B7169203331", "00000000000000000000000000000000", "0000000000000000").Select(s => (string?)s)));

    private static readonly Gen<(string Key, object Value)[]> Attributes =
        Gen.Select(Gen.Frequency((3, Gen.OneOf("a", "b", "env", "")), (1, Text)),
            Gen.Frequency((4, Text.Select(s => (object)s)), (1, Gen.Bool.Select(b => (object)b)), (1, Gen.Long.Select(l => (object)l))))
        .Array[0, 6];

    [Fact]
    public void The_builder_and_the_reader_give_the_same_event_or_the_same_errors_for_the_same_values()
    {
        var fields = Gen.Select(Optional, Gen.Frequency((1, Gen.Const((long?)null)), (3, Gen.Long[-7200, 7200].Select(s => (long?)ReceivedAt.AddSeconds(s).UtcTicks))),
            Gen.Frequency((1, Gen.Const((Severity?)null)), (5, Gen.Enum<Severity>().Select(s => (Severity?)s))), Optional, Optional, Optional);
        Gen.Select(fields, Optional, Hex, Hex, Attributes, Gen.Bool, Gen.Bool).Sample((f, id, traceId, spanId, attributes, tight, withDefault) =>
        {
            var (tenant, ticks, severity, service, message, host) = f;
            var limits = tight ? Tight : LogEventLimits.Default;
            var defaultTenant = withDefault ? "dflt" : null;

            var json = Json(id, tenant, ticks, severity, service, message, host, traceId, spanId, attributes);
            var read = new LogEventReader(limits).Read(json, PayloadFormat.Ndjson, ReceivedAt, i => "id-" + i, defaultTenant);

            var builder = new LogEventBuilder(limits, ReceivedAt, i => "id-" + i, defaultTenant: defaultTenant);
            builder.Start();
            if (id is not null) { builder.Id(id); }
            if (tenant is not null) { builder.TenantId(tenant); }
            if (ticks is { } t) { builder.Timestamp(t); }
            if (severity is { } s) { builder.Severity(s); }
            if (service is not null) { builder.Service(service); }
            if (message is not null) { builder.Message(message); }
            if (host is not null) { builder.Host(host); }
            if (traceId is not null) { builder.TraceId(traceId); }
            if (spanId is not null) { builder.SpanId(spanId); }
            foreach (var (key, value) in attributes)
            {
                switch (value)
                {
                    case bool b: builder.Attribute(key, b); break;
                    case long l: builder.Attribute(key, l.ToString(System.Globalization.CultureInfo.InvariantCulture)); break;
                    default: builder.Attribute(key, (string)value); break;
                }
            }

            builder.Finish(0, out var accepted, out var rejected);

            Assert.Equal(Render(read.Accepted.SingleOrDefault(), read.Rejected.SingleOrDefault()), Render(accepted, rejected));
        }, iter: 5000);
    }

    [Fact]
    public void Each_setter_once_a_second_call_is_a_duplicate_field_error()
    {
        var builder = new LogEventBuilder(LogEventLimits.Default, ReceivedAt, defaultTenant: "acme");
        builder.Start();
        builder.Service("api");
        builder.Service("api");
        builder.Severity(Severity.Info);
        builder.Message("m");

        Assert.False(builder.Finish(3, out _, out var rejected));
        Assert.Equal(3, rejected!.Index);
        Assert.Equal(new FieldError("service", "duplicate field service: each field may appear only once"), Assert.Single(rejected.Errors));
    }

    [Fact]
    public void An_invalid_default_tenant_is_refused_as_the_reader_refuses_it()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LogEventBuilder(LogEventLimits.Default, ReceivedAt, defaultTenant: "no tenant"));
        Assert.Contains("default tenant \"no tenant\"", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Json(string? id, string? tenant, long? ticks, Severity? severity, string? service, string? message, string? host,
        string? traceId, string? spanId, (string Key, object Value)[] attributes)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }))
        {
            writer.WriteStartObject();
            Write(writer, LogEventFields.Id, id);
            Write(writer, LogEventFields.TenantId, tenant);
            if (ticks is { } t)
            {
                writer.WriteString(LogEventFields.Timestamp, new DateTimeOffset(t, TimeSpan.Zero).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            }

            Write(writer, LogEventFields.Severity, severity is { } s ? SeverityNames.ToWire(s) : null);
            Write(writer, LogEventFields.Service, service);
            Write(writer, LogEventFields.Message, message);
            Write(writer, LogEventFields.Host, host);
            Write(writer, LogEventFields.TraceId, traceId);
            Write(writer, LogEventFields.SpanId, spanId);
            if (attributes.Length > 0)
            {
                writer.WriteStartObject(LogEventFields.Attributes);
                foreach (var (key, value) in attributes)
                {
                    writer.WritePropertyName(key);
                    switch (value)
                    {
                        case bool b: writer.WriteBooleanValue(b); break;
                        case long l: writer.WriteNumberValue(l); break;
                        default: writer.WriteStringValue((string)value); break;
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();

        static void Write(Utf8JsonWriter writer, string name, string? value)
        {
            if (value is not null)
            {
                writer.WriteString(name, value);
            }
        }
    }

    private static string Render(LogEvent? accepted, RejectedEvent? rejected)
    {
        if (rejected is not null)
        {
            return rejected.Index + ": " + string.Join(" | ", rejected.Errors.Select(e => e.Field + ": " + e.Message));
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            LogEventWriter.WriteEvent(writer, accepted!);
        }

        return accepted!.IdGenerated + " " + Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
