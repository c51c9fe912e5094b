using System.Text;

namespace LogDapr.Contracts.Events;

/// <summary>
/// Which source field names the reader takes for each LogEvent field, and how nested objects become attribute keys.
/// Immutable and thread-safe. <see cref="Default"/> holds the built-in aliases; a pipeline adds its own with
/// <see cref="WithAliases"/>.
/// </summary>
/// <remarks>
/// <para>Precedence per field: the canonical name first, then the built-in aliases in the order of
/// <see cref="Aliases"/>, then the pipeline's own in the order given. When an event carries more than one of them, the
/// first in that order sets the field and every other one is kept as an attribute under its own name (nothing is
/// lost, nothing is reported twice). The same name twice in one event is a duplicate-field error.</para>
/// <para>Names match exactly (case-sensitive) and only at the top level of the event; a nested object such as
/// <c>{"log":{"level":"x"}}</c> is flattened into attributes, it does not set a field.</para>
/// </remarks>
public sealed class FieldMapping
{
    public const string DefaultSeparator = ".";

    /// <summary>Longest alias, in UTF-8 bytes (names are matched against a bounded scratch buffer when escaped).</summary>
    public const int MaxAliasBytes = 128;

    /// <summary>Longest separator, in characters.</summary>
    public const int MaxSeparatorLength = 8;

    /// <summary>Most aliases a pipeline may add in all.</summary>
    public const int MaxExtraAliases = 256;

    /// <summary>The fields that can have aliases, by their canonical names.</summary>
    public static IReadOnlyList<string> CanonicalNames { get; } =
    [
        LogEventFields.Id, LogEventFields.TenantId, LogEventFields.Timestamp, LogEventFields.Severity, LogEventFields.Service,
        LogEventFields.Message, LogEventFields.Host, LogEventFields.TraceId, LogEventFields.SpanId,
    ];

    // The built-in aliases: what common shippers and the ECS and OpenTelemetry conventions send. tenant_id has none on
    // purpose: a field named "tenant" or "org" means too many different things to decide who owns an event.
    private static readonly (string Field, string[] Names)[] Builtin =
    [
        (LogEventFields.Id, ["event.id"]),
        (LogEventFields.Timestamp, ["@timestamp", "ts", "time"]),
        (LogEventFields.Severity, ["level", "lvl", "log.level", "severity_text", "SeverityText", "severityText",
            "severity_number", "SeverityNumber", "severityNumber"]),
        (LogEventFields.Service, ["source", "app", "service.name"]),
        (LogEventFields.Message, ["msg", "body", "Body"]),
        (LogEventFields.Host, ["hostname", "host.name"]),
        (LogEventFields.TraceId, ["trace.id", "traceId", "TraceId"]),
        (LogEventFields.SpanId, ["span.id", "spanId", "SpanId"]),
    ];

    private static readonly string[] Reserved =
        [.. CanonicalNames, LogEventFields.Attributes, LogEventFields.Events];

    // Aliases grouped by their UTF-8 length: a lookup compares bytes against a handful of candidates, no allocation.
    private readonly AliasEntry[][] byLength;
    private readonly Dictionary<string, IReadOnlyList<string>> aliases;

    private FieldMapping(List<AliasEntry> entries, string separator)
    {
        Separator = separator;
        aliases = CanonicalNames.ToDictionary(n => n, n => (IReadOnlyList<string>)entries.Where(e => e.Field == n).OrderBy(e => e.Rank).Select(e => e.Name).ToArray());
        int longest = entries.Count == 0 ? 0 : entries.Max(e => e.Utf8.Length);
        byLength = new AliasEntry[longest + 1][];
        for (int length = 0; length <= longest; length++)
        {
            byLength[length] = [.. entries.Where(e => e.Utf8.Length == length)];
        }
    }

    /// <summary>The built-in aliases and separator "."; what every reader uses unless given another mapping.</summary>
    public static FieldMapping Default { get; } = new(BuiltinEntries(), DefaultSeparator);

    /// <summary>Joins the keys of a nested object into one attribute key: <c>{"a":{"b":1}}</c> gives <c>a.b</c> with ".".</summary>
    public string Separator { get; }

    /// <summary>Per canonical field (every name of <see cref="CanonicalNames"/>), its aliases in precedence order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Aliases => aliases;

    /// <summary>
    /// This mapping plus a pipeline's own aliases (canonical field name to source names, tried after the ones already
    /// here) and separator. A name that is a built-in alias of another field moves to the field given here: the
    /// pipeline's word wins over the default. Throws <see cref="ArgumentException"/> with the messages of
    /// <see cref="Validate"/> when the input is invalid.
    /// </summary>
    public FieldMapping WithAliases(IReadOnlyDictionary<string, IReadOnlyList<string>> extra, string separator)
    {
        ArgumentNullException.ThrowIfNull(extra);
        var errors = Validate(extra, separator);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors.Select(e => $"{e.Field}: {e.Message}")), nameof(extra));
        }
        var movedTo = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, names) in extra)
        {
            foreach (var name in names)
            {
                movedTo[name] = field;
            }
        }
        var entries = new List<AliasEntry>();
        foreach (var field in CanonicalNames)
        {
            int rank = 1;
            foreach (var name in aliases[field])
            {
                if (!movedTo.TryGetValue(name, out var to) || to == field)
                {
                    entries.Add(new AliasEntry(name, field, rank++));
                }
            }
            if (extra.TryGetValue(field, out var names))
            {
                foreach (var name in names)
                {
                    if (!entries.Any(e => e.Name == name))
                    {
                        entries.Add(new AliasEntry(name, field, rank++));
                    }
                }
            }
        }
        return new FieldMapping(entries, separator);
    }

    /// <summary>
    /// What is wrong with a pipeline's aliases and separator, never throwing: unknown field names, empty or too long
    /// aliases, an alias that is a field name of LogEvent v1, one name given to two fields, a bad separator.
    /// <see cref="FieldError.Field"/> is a path such as <c>fields.severity[1]</c> or <c>separator</c>.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(IReadOnlyDictionary<string, IReadOnlyList<string>>? extra, string? separator)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(separator))
        {
            errors.Add(new("separator", "separator must not be empty"));
        }
        else if (separator.Length > MaxSeparatorLength)
        {
            errors.Add(new("separator", $"separator is {separator.Length} characters; limit is {MaxSeparatorLength}"));
        }
        else if (separator.Any(char.IsControl))
        {
            errors.Add(new("separator", "separator must not contain control characters"));
        }
        if (extra is null)
        {
            return errors;
        }
        var owner = new Dictionary<string, string>(StringComparer.Ordinal);
        int total = 0;
        foreach (var (field, names) in extra)
        {
            if (!CanonicalNames.Contains(field))
            {
                errors.Add(new($"fields.{field}", $"\"{field}\" is not a field that can have aliases; use one of {string.Join(", ", CanonicalNames)}"));
                continue;
            }
            if (names is null)
            {
                errors.Add(new($"fields.{field}", "must be a list of names"));
                continue;
            }
            for (int i = 0; i < names.Count; i++)
            {
                string path = $"fields.{field}[{i}]";
                string? name = names[i];
                total++;
                if (string.IsNullOrEmpty(name))
                {
                    errors.Add(new(path, "an alias must not be empty"));
                }
                else if (Encoding.UTF8.GetByteCount(name) > MaxAliasBytes)
                {
                    errors.Add(new(path, $"alias is {Encoding.UTF8.GetByteCount(name)} bytes of UTF-8; limit is {MaxAliasBytes}"));
                }
                else if (name.Any(char.IsControl) || name.Any(char.IsSurrogate) && !IsValidUtf16(name))
                {
                    errors.Add(new(path, "an alias must be valid text without control characters"));
                }
                else if (Reserved.Contains(name))
                {
                    errors.Add(new(path, $"\"{name}\" is a field name of LogEvent v1, it cannot be an alias"));
                }
                else if (owner.TryGetValue(name, out var other) && other != field)
                {
                    errors.Add(new(path, $"\"{name}\" is already an alias of {other}; a name can set only one field"));
                }
                else
                {
                    owner[name] = field;
                }
            }
        }
        if (total > MaxExtraAliases)
        {
            errors.Add(new("fields", $"{total} aliases in all; limit is {MaxExtraAliases}"));
        }
        return errors;
    }

    /// <summary>The alias with these UTF-8 bytes, or null. No allocation.</summary>
    internal AliasEntry? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length >= byLength.Length)
        {
            return null;
        }
        foreach (var entry in byLength[name.Length])
        {
            if (name.SequenceEqual(entry.Utf8))
            {
                return entry;
            }
        }
        return null;
    }

    /// <summary>"also read from: a, b" for error messages about a missing field, or empty when the field has no alias.</summary>
    internal string AlsoReadFrom(string field) =>
        aliases.TryGetValue(field, out var names) && names.Count > 0 ? $" (also read from {string.Join(", ", names)})" : "";

    private static List<AliasEntry> BuiltinEntries()
    {
        var entries = new List<AliasEntry>();
        foreach (var (field, names) in Builtin)
        {
            for (int i = 0; i < names.Length; i++)
            {
                entries.Add(new AliasEntry(names[i], field, i + 1));
            }
        }
        return entries;
    }

    private static bool IsValidUtf16(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>One alias: its name (as text and UTF-8), the canonical field it sets and its rank (canonical name = 0).</summary>
    internal sealed class AliasEntry(string name, string field, int rank)
    {
        public string Name { get; } = name;
        public byte[] Utf8 { get; } = Encoding.UTF8.GetBytes(name);
        public string Field { get; } = field;
        public EventParser.Field Flag { get; } = EventParser.FieldOf(field);
        public int Rank { get; } = rank;
    }
}
