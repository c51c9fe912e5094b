using LogDapr.ServiceDefaults.Audit;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Audit;

/// <summary>The filters of GET /v1/audit; every one optional and combined with AND.</summary>
public sealed record AuditQuery(DateTimeOffset? From, DateTimeOffset? To, string? Action, string? Actor, string? Tenant, int Limit, long? Before)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "from", "to", "action", "actor", "tenant", "limit", "cursor" };

    /// <summary>Parses the query string; every unknown, repeated, malformed or out-of-range parameter is an error naming it.</summary>
    public static AuditQuery? Parse(IQueryCollection query, out Dictionary<string, string[]> errors)
    {
        var found = new Dictionary<string, string[]>(StringComparer.Ordinal);
        errors = found;
        foreach (var (name, values) in query)
        {
            if (!Known.Contains(name))
            {
                found[name] = [$"unknown parameter '{AuditScope.Bound(name, 64)}' (known: {string.Join(", ", Known.Order(StringComparer.Ordinal))})"];
            }
            else if (values.Count > 1)
            {
                found[name] = [$"{name} is given more than once"];
            }
        }

        string? Text(string name) => query.TryGetValue(name, out var v) && v.Count == 1 ? v.ToString() : null;

        DateTimeOffset? Time(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (Rfc3339.TryParse(text, out var value))
            {
                return value;
            }

            found[name] = [$"{name} must be an RFC 3339 time (e.g. 2026-11-28T12:00:00Z)"];
            return null;
        }

        string? Filter(string name, int maxChars)
        {
            var text = Text(name);
            if (text is not null && (text.Length == 0 || text.Length > maxChars))
            {
                found[name] = [$"{name} must be 1 to {maxChars} characters"];
                return null;
            }

            return text;
        }

        var from = Time("from");
        var to = Time("to");
        if (from is { } f && to is { } t && t <= f)
        {
            found["to"] = ["to must be after from"];
        }

        var action = Filter("action", 64);
        if (action is not null && !AuditActions.All.Contains(action))
        {
            found["action"] = [$"action must be one of {string.Join(", ", AuditActions.All)}"];
        }

        var actor = Filter("actor", AuditScope.MaxTextChars);
        var tenant = Filter("tenant", AuditScope.MaxTenantChars);
        var limit = DefaultLimit;
        if (Text("limit") is { } limitText && (!int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit)
            || limit is < 1 or > MaxLimit))
        {
            found["limit"] = [$"limit must be an integer between 1 and {MaxLimit}"];
        }

        long? before = null;
        if (Text("cursor") is { } cursor)
        {
            if (AuditCursor.TryDecode(cursor, out var id))
            {
                before = id;
            }
            else
            {
                found["cursor"] = ["cursor is not one this API returned (pass next_cursor of the previous page unchanged)"];
            }
        }

        return found.Count == 0 ? new AuditQuery(from, to, action, actor, tenant, limit, before) : null;
    }
}
