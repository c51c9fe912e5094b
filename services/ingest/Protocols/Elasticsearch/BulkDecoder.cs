using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// Transcodes an Elasticsearch bulk body (NDJSON: an action line, then for index, create and update a document line)
/// into LogEvent v1 NDJSON, one line per index or create item whose action and document are usable, so the intake's
/// rejected index maps back to the item. The document is flattened into dotted names, as Elasticsearch itself treats
/// <c>{"log":{"level":"x"}}</c> and <c>{"log.level":"x"}</c> as the same field, so the shared field mapping reads ECS
/// documents (<c>@timestamp</c>, <c>log.level</c>, <c>service.name</c>, <c>host.name</c>, ...). Defaults for what the
/// document does not carry (judged by the same mapping: any source name of the field counts): the id from
/// <c>_id</c> (<see cref="DocumentIds"/>), service and tenant from the index (<see cref="IndexNames"/>), severity
/// <c>info</c>. A malformed action line refuses the whole request, as Elasticsearch does (the items after it cannot be
/// told apart); every other problem is the item's own error. Pure.
/// </summary>
public static class BulkDecoder
{
    /// <summary>Elasticsearch's limit on an <c>_id</c>.</summary>
    public const int MaxIdBytes = 512;

    private const int MaxDocumentDepth = 64;
    private const string DefaultSeverity = "info";

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDocumentDepth };
    private static readonly JsonReaderOptions ActionOptions = new() { MaxDepth = 8 };

    /// <param name="urlIndex">The index of <c>POST /{index}/_bulk</c>, or null.</param>
    /// <param name="mapping">The field mapping the intake reads with: decides whether a document carries a field.</param>
    /// <param name="maxItems">At most this many items (Ingest:MaxEventsPerBatch); more refuses the request with 413.</param>
    public static BulkRequest Decode(ReadOnlyMemory<byte> body, string? urlIndex, FieldMapping mapping, int maxItems)
    {
        var sources = new Sources(mapping);
        var items = new List<BulkItem>();
        var output = new ArrayBufferWriter<byte>(body.Length + 256);
        using var writer = new Utf8JsonWriter(output);
        var lines = 0;
        var lineNumber = 0;
        if (body.Span.StartsWith("\uFEFF"u8))
        {
            body = body[3..];
        }

        while (NextLine(ref body, ref lineNumber) is { } actionLine)
        {
            if (IsBlank(actionLine.Bytes.Span))
            {
                continue;
            }

            if (items.Count == maxItems)
            {
                return BulkRequest.Refused(new BulkError(StatusCodes.Status413PayloadTooLarge, "illegal_argument_exception",
                    $"the bulk request has more than {maxItems} actions (Ingest:MaxEventsPerBatch): send smaller bulks"));
            }

            if (ReadAction(actionLine.Bytes.Span, actionLine.Number, out var action, out var index, out var id) is { } malformed)
            {
                return BulkRequest.Refused(malformed);
            }

            index ??= urlIndex;
            if (action == "delete")
            {
                items.Add(new BulkItem(action, index, id, AppendOnly(action), -1));
                continue;
            }

            var document = NextLine(ref body, ref lineNumber);
            if (action == "update")
            {
                items.Add(new BulkItem(action, index, id, AppendOnly(action), -1));
                continue;
            }

            var error = Check(index, id, document);
            if (error is null)
            {
                writer.Reset();
                error = Transcode(document!.Value.Bytes, index!, id, sources, writer);
                if (error is null)
                {
                    writer.Flush();
                    output.Write("\n"u8);
                    items.Add(new BulkItem(action, index, id, null, lines++));
                    continue;
                }

                writer.Reset();
            }

            items.Add(new BulkItem(action, index, id, error, -1));
        }

        if (items.Count == 0)
        {
            return BulkRequest.Refused(BulkError.BadRequest("action_request_validation_exception", "Validation Failed: 1: no requests added;"));
        }

        return new BulkRequest(items, output.WrittenSpan.ToArray(), lines, null);
    }

    private static BulkError AppendOnly(string action)
        => BulkError.BadRequest("illegal_argument_exception",
            $"LogDapr ingest is append-only: the {action} action is not supported; send index or create");

    private static BulkError? Check(string? index, string? id, (ReadOnlyMemory<byte> Bytes, int Number)? document)
    {
        if (index is null)
        {
            return BulkError.BadRequest("action_request_validation_exception", "Validation Failed: 1: index is missing;");
        }

        if (IndexNames.Problem(index) is { } problem)
        {
            return BulkError.BadRequest("invalid_index_name_exception", $"Invalid index name [{index}], {problem}");
        }

        if (id is { Length: 0 })
        {
            return BulkError.BadRequest("action_request_validation_exception", "Validation Failed: 1: if _id is specified it must not be empty;");
        }

        if (id is not null && Encoding.UTF8.GetByteCount(id) > MaxIdBytes)
        {
            return BulkError.BadRequest("action_request_validation_exception",
                $"Validation Failed: 1: id [{id[..16]}...] is too long, must be no longer than {MaxIdBytes} bytes but was: {Encoding.UTF8.GetByteCount(id)};");
        }

        if (document is null || IsBlank(document.Value.Bytes.Span))
        {
            return BulkError.BadRequest("action_request_validation_exception", "Validation Failed: 1: source is missing;");
        }

        return null;
    }

    /// <summary>Reads <c>{"index":{"_index":..,"_id":..}}</c>; other metadata (routing, pipeline, _type, ...) is ignored.</summary>
    private static BulkError? ReadAction(ReadOnlySpan<byte> line, int number, out string action, out string? index, out string? id)
    {
        action = "";
        index = null;
        id = null;
        var reader = new Utf8JsonReader(line, ActionOptions);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Malformed(number, $"expected START_OBJECT but found [{reader.TokenType}]");
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName)
            {
                return Malformed(number, "expected one of [create], [delete], [index] or [update] but found [END_OBJECT]");
            }

            action = reader.GetString()!;
            if (action is not ("index" or "create" or "delete" or "update"))
            {
                return Malformed(number, $"expected field [create], [delete], [index] or [update] but found [{Echo(action)}]");
            }

            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Malformed(number, $"expected START_OBJECT after [{action}] but found [{reader.TokenType}]");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString()!;
                reader.Read();
                switch (name)
                {
                    case "_index" when reader.TokenType == JsonTokenType.String:
                        index = reader.GetString();
                        break;
                    case "_id" when reader.TokenType is JsonTokenType.String or JsonTokenType.Number:
                        id = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan);
                        break;
                    case "_index" or "_id" when reader.TokenType != JsonTokenType.Null:
                        return Malformed(number, $"[{name}] must be a string but found [{reader.TokenType}]");
                    default:
                        reader.Skip();
                        break;
                }
            }

            // The closing brace of the action object, then nothing else on the line.
            if (!reader.Read() || reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                return Malformed(number, "expected one action object with one action");
            }

            return null;
        }
        catch (JsonException ex)
        {
            return Malformed(number, ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // GetString on invalid UTF-8.
            return Malformed(number, ex.Message);
        }
    }

    private static BulkError Malformed(int number, string detail)
        => BulkError.BadRequest("illegal_argument_exception", $"Malformed action/metadata line [{number}], {detail}");

    private static string Echo(string value) => value.Length <= 40 ? value : value[..40] + "...";

    /// <summary>Writes the event, or returns the document's error before writing anything.</summary>
    private static BulkError? Transcode(ReadOnlyMemory<byte> line, string index, string? id, Sources sources, Utf8JsonWriter writer)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, DocumentOptions);
        }
        catch (JsonException ex)
        {
            return BulkError.BadRequest("document_parsing_exception", "failed to parse: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return BulkError.BadRequest("document_parsing_exception",
                    $"failed to parse: the document must be a JSON object, got {root.ValueKind.ToString().ToLowerInvariant()}");
            }

            var fields = new List<(string Name, JsonElement Value)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            string? duplicate;
            try
            {
                duplicate = Flatten(root, "", fields, names);
            }
            catch (InvalidOperationException ex)
            {
                // A field name that is not valid UTF-8.
                return BulkError.BadRequest("document_parsing_exception", "failed to parse: " + ex.Message);
            }

            if (duplicate is not null)
            {
                return BulkError.BadRequest("document_parsing_exception", $"failed to parse: duplicate field [{duplicate}]");
            }

            var (service, tenant) = IndexNames.Defaults(index);
            writer.WriteStartObject();
            if (id is not null && !sources.Has(LogEventFields.Id, names))
            {
                writer.WriteString(LogEventFields.Id, DocumentIds.For(index, id));
            }

            if (tenant is not null && !sources.Has(LogEventFields.TenantId, names))
            {
                writer.WriteString(LogEventFields.TenantId, tenant);
            }

            if (!sources.Has(LogEventFields.Service, names))
            {
                writer.WriteString(LogEventFields.Service, service);
            }

            if (!sources.Has(LogEventFields.Severity, names))
            {
                writer.WriteString(LogEventFields.Severity, DefaultSeverity);
            }

            foreach (var (name, value) in fields)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
            return null;
        }
    }

    /// <summary>Collects the leaves of <paramref name="value"/> under dotted names; returns a name seen twice, else null.</summary>
    private static string? Flatten(JsonElement value, string prefix, List<(string, JsonElement)> fields, HashSet<string> names)
    {
        foreach (var property in value.EnumerateObject())
        {
            var name = prefix.Length == 0 ? property.Name : prefix + "." + property.Name;
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                if (Flatten(property.Value, name, fields, names) is { } duplicate)
                {
                    return duplicate;
                }

                continue;
            }

            if (!names.Add(name))
            {
                return name;
            }

            fields.Add((name, property.Value));
        }

        return null;
    }

    /// <summary>The next line (without its '\n') and its 1-based number, or null at the end of the body.</summary>
    private static (ReadOnlyMemory<byte> Bytes, int Number)? NextLine(ref ReadOnlyMemory<byte> body, ref int number)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        var newline = body.Span.IndexOf((byte)'\n');
        var line = newline < 0 ? body : body[..newline];
        body = newline < 0 ? default : body[(newline + 1)..];
        number++;
        return (line, number);
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => !line.ContainsAnyExcept(" \t\r"u8);

    /// <summary>Every name a field is read from under the mapping: its canonical name and its aliases.</summary>
    private sealed class Sources(FieldMapping mapping)
    {
        private readonly Dictionary<string, string[]> byField = FieldMapping.CanonicalNames.ToDictionary(
            f => f, f => (string[])[f, .. mapping.Aliases[f]], StringComparer.Ordinal);

        public bool Has(string field, HashSet<string> names) => byField[field].Any(names.Contains);
    }
}
