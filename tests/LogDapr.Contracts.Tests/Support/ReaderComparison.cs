using System.Globalization;
using System.Text;
using CsCheck;
using LogDapr.Contracts.Events;

namespace LogDapr.Contracts.Tests.Support;

/// <summary>
/// What the tests that hold another read of a payload (counting, encoding) to <see cref="LogEventReader.Read"/> share:
/// the limits they read under, the payload shapes, and how rejections are compared.
/// </summary>
internal static class ReaderComparison
{
    // Low limits put the length rules within reach of short generated values, escaped and not.
    public static readonly LogEventLimits Tight = new()
    {
        MaxEventsPerBatch = 6,
        MaxMessageBytes = 40,
        MaxAttributes = 3,
        MaxAttributeKeyLength = 5,
        MaxAttributeValueBytes = 12,
        MaxIdLength = 6,
        MaxTenantIdLength = 8,
        MaxServiceLength = 10,
        MaxHostLength = 7,
        MaxFutureSkew = TimeSpan.FromMinutes(1),
        MaxPastAge = TimeSpan.FromDays(1),
    };

    // Long values take a reader past its own text buffer (1,024 characters) into rented ones.
    public static readonly LogEventLimits Long = new()
    {
        MaxMessageBytes = 2_000,
        MaxAttributeValueBytes = 1_500,
        MaxIdLength = 1_024,
        MaxHostLength = 1_024,
    };

    public static readonly LogEventLimits[] AllLimits = [LogEventLimits.Default, Tight, Long, LogEventLimits.Widest];

    /// <summary>An index into <see cref="AllLimits"/>.</summary>
    public static readonly Gen<int> AnyLimits = Gen.Int[0, AllLimits.Length - 1];

    /// <summary>Event objects as a JSON array (0), a <c>{"events":[...]}</c> wrapper (1) or NDJSON (2).</summary>
    public static (byte[] Payload, PayloadFormat Format) Shape(string[] objects, int shape) => shape switch
    {
        0 => (Encoding.UTF8.GetBytes("[" + string.Join(",", objects) + "]"), PayloadFormat.Json),
        1 => (Encoding.UTF8.GetBytes("{\"events\":[" + string.Join(",", objects) + "]}"), PayloadFormat.Json),
        _ => (Encoding.UTF8.GetBytes(string.Join("\n", objects)), PayloadFormat.Ndjson),
    };

    /// <summary>
    /// The valid event with each field under its canonical name or one of its aliases, and perhaps one field again, so
    /// precedence and the parser's second pass are reached. <paramref name="picks"/> has 11 random numbers.
    /// </summary>
    public static byte[] WithAliases(ValidEvent valid, int[] picks)
    {
        var fields = valid.Fields.Select((f, i) => FieldMapping.Default.Aliases.TryGetValue(f.Name, out var names) && names.Count > 0 && picks[i] % 3 != 0
            ? (Name: names[Pick(picks[i], names.Count)], f.Raw)
            : f).ToList();
        if (picks[10] % 2 == 0 && fields.Count > 0)
        {
            // The same field again under another of its names (or again under its own).
            fields.Add(valid.Fields[Pick(picks[10] / 2, valid.Fields.Length)]);
        }
        return Encoding.UTF8.GetBytes("{" + string.Join(",", fields.Select(f => Wire.Quote(f.Name) + ":" + f.Raw)) + "}");
    }

    /// <summary>One field of the base event set to <paramref name="text"/>, quoted every character escaped or as little as JSON needs.</summary>
    public static byte[] LongValue(string field, string text, bool escapeAll)
    {
        var raw = escapeAll ? Wire.Quote(text) : Raw(text);
        var json = field == "attributes"
            ? Wire.Event("attributes", "{\"k\":" + raw + ",\"n\":" + text.Length.ToString(CultureInfo.InvariantCulture) + "}")
            : Wire.Event(field, raw);
        return Encoding.UTF8.GetBytes(json);
    }

    /// <summary>Fields of the base event whose long values take a reader into its rarer paths.</summary>
    public static readonly Gen<string> LongValueFields = Gen.OneOf("id", "host", "message", "attributes", "extra", "trace_id");

    /// <summary>Text of mostly letters with the characters JSON escapes, multi-byte ones and lone surrogates mixed in.</summary>
    public static readonly Gen<string> LongText =
        Gen.String[Gen.Frequency((6, Gen.Char['a', 'z']), (1, Gen.OneOf('\0', '\n', '"', '\\', 'é', '<', '\u2603', '\ud83d', '\ude00', '\u0085'))), 0, 2_600];

    /// <summary>The rejections, one line each, every error word for word.</summary>
    public static string Describe(IReadOnlyList<RejectedEvent> rejected) =>
        string.Join("\n", rejected.Select(r => r.Index.ToString(CultureInfo.InvariantCulture) + ": "
            + string.Join(" | ", r.Errors.Select(e => e.Field + " = " + e.Message))));

    private static int Pick(int random, int count) => (int)((uint)random % (uint)count);

    /// <summary>JSON text that escapes only what it must (quote, backslash, control characters): the rest stays raw UTF-8.</summary>
    private static string Raw(string text)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in text)
        {
            _ = c switch
            {
                '"' => builder.Append("\\\""),
                '\\' => builder.Append("\\\\"),
                < ' ' => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }
        return builder.Append('"').ToString();
    }
}
