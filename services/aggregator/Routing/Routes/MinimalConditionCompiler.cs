using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Routing.Routes;

/// <summary>
/// TEMPORARY stand-in for the processing library's expression compiler, which is being written in parallel: only
/// <c>field == "literal"</c> (or 'literal') joined by <c>and</c>. Anything else is refused with a clear error, never
/// guessed at. Replaced by an adapter over the library's compiler when the branches are merged.
/// </summary>
public sealed class MinimalConditionCompiler : IRouteConditionCompiler
{
    private const string AttributesPrefix = "attributes.";

    public (Func<LogEvent, bool>? Match, string? Error) Compile(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var clauses = new List<Func<LogEvent, bool>>();
        var position = 0;
        while (true)
        {
            SkipSpaces(text, ref position);
            var fieldStart = position;
            while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] is '_' or '.' or '-'))
            {
                position++;
            }

            var field = text[fieldStart..position];
            var read = Reader(field);
            if (read is null)
            {
                return (null, $"column {fieldStart + 1}: expected a field (id, tenant_id, service, severity, host, message, trace_id, span_id or attributes.<key>), found '{Excerpt(text, fieldStart)}'");
            }

            SkipSpaces(text, ref position);
            if (!text.AsSpan(position).StartsWith("=="))
            {
                return (null, $"column {position + 1}: only '==' is supported by this build's route conditions, found '{Excerpt(text, position)}'");
            }

            position += 2;
            SkipSpaces(text, ref position);
            if (position >= text.Length || text[position] is not ('"' or '\''))
            {
                return (null, $"column {position + 1}: expected a quoted string literal");
            }

            var quote = text[position];
            var end = text.IndexOf(quote, position + 1);
            if (end < 0)
            {
                return (null, $"column {position + 1}: the string literal is not closed");
            }

            var literal = text[(position + 1)..end];
            position = end + 1;
            clauses.Add(e => read(e) is { } value && string.Equals(value, literal, StringComparison.Ordinal));

            SkipSpaces(text, ref position);
            if (position == text.Length)
            {
                break;
            }

            if (!text.AsSpan(position).StartsWith("and ", StringComparison.Ordinal))
            {
                return (null, $"column {position + 1}: only 'and' may join comparisons in this build's route conditions, found '{Excerpt(text, position)}'");
            }

            position += 4;
        }

        var all = clauses.ToArray();
        return (e => Array.TrueForAll(all, c => c(e)), null);
    }

    private static Func<LogEvent, string?>? Reader(string field) => field switch
    {
        "id" => e => e.Id,
        "tenant_id" => e => e.TenantId,
        "service" => e => e.Service,
        "severity" => e => SeverityNames.ToWire(e.Severity),
        "host" => e => e.Host,
        "message" => e => e.Message,
        "trace_id" => e => e.TraceId,
        "span_id" => e => e.SpanId,
        _ when field.StartsWith(AttributesPrefix, StringComparison.Ordinal) && field.Length > AttributesPrefix.Length => Attribute(field[AttributesPrefix.Length..]),
        _ => null,
    };

    private static Func<LogEvent, string?> Attribute(string key) => e =>
    {
        foreach (var pair in e.Attributes)
        {
            if (pair.Key == key)
            {
                return pair.Value;
            }
        }

        return null;
    };

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && char.IsWhiteSpace(text[position]))
        {
            position++;
        }
    }

    private static string Excerpt(string text, int position) => position >= text.Length ? "end of text" : text[position..Math.Min(text.Length, position + 20)];
}
