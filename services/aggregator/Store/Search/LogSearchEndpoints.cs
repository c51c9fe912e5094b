using System.ComponentModel;
using LogDapr.Aggregator.Audit;
using LogDapr.Configuration.Store;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>The store's search API: GET /v1/logs, /v1/logs/{id} and /v1/logs/context.</summary>
public static class LogSearchEndpoints
{
    public const string LogsTag = "Logs";

    public const string QuerySyntax = "q is full text over the message, case-insensitive, words as written (no stemming): "
        + "`timeout db` matches messages with both words, `\"connection refused\"` the phrase, `-health` excludes a word, "
        + "`-\"GET /healthz\"` a phrase, `a or b` either word. Postgres' parser keeps paths, URLs, host names and e-mail addresses as one word each "
        + "(search `/healthz`, not `healthz`); other punctuation separates words.";

    public static IEndpointRouteBuilder MapLogSearchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/logs", SearchAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithTags(LogsTag)
            .WithName("SearchLogs")
            .AuditedAdminRead()
            .WithSummary("Search stored events, newest first, a page at a time")
            .WithDescription("Events of one tenant in [from, to), newest first (timestamp, then id, descending). Filters combine with AND; "
                + "attr.<key>=<value> (repeatable with different keys, at most 16) keeps events whose attribute key has exactly that value. "
                + QuerySyntax + " The window defaults to the last hour and is at most Store:Search:MaxWindow (7 days) unless trace_id "
                + "is given, which searches the whole retention by default. next_cursor continues the same query: send the same "
                + "parameters plus cursor; pages stay stable while events arrive. Every malformed, unknown, repeated or out-of-range "
                + "parameter, a cursor of another query or tenant, and a query slower than Store:Search:StatementTimeout are a 400.")
            .Produces<LogSearchResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/v1/logs/context", ContextAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithTags(LogsTag)
            .WithName("GetLogContext")
            .AuditedAdminRead()
            .WithSummary("The lines around one event")
            .WithDescription("The event and up to before/after lines (default 10, at most Store:Search:MaxContextLines) of the same tenant, "
                + "service and host stored just before and after it (within a day of it), oldest first on each side.")
            .Produces<LogContextResult>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/v1/logs/{id}", GetAsync)
            .RequireAuthorization(AuthPolicies.Read)
            .WithTags(LogsTag)
            .WithName("GetLog")
            .AuditedAdminRead()
            .WithSummary("One stored event by id")
            .WithDescription("The event with this id in the tenant (the newest, should the same id have been used on several days).")
            .Produces<StoredEvent>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    // The named parameters are bound only to describe them in OpenAPI: the parser reads the whole query string
    // (attr.* included) so that unknown and repeated parameters are refused.
#pragma warning disable IDE0060
    private static async Task<IResult> SearchAsync(
        HttpContext context, LogEventsReader reader, LogCursorCodec cursors, IOptions<StoreOptions> options, TimeProvider time,
        [Description("The tenant (a tenant key: its own, the default; an admin key must give it).")] string? tenant,
        [Description("Start, RFC 3339 (default: one hour before to; with trace_id: the whole retention).")] string? from,
        [Description("End, exclusive, RFC 3339 (default: now).")] string? to,
        [Description("Only this service.")] string? service,
        [Description("Only this severity: trace, debug, info, warn, error, fatal (and the spellings ingest accepts).")] string? severity,
        [Description("Only this severity and above.")][FromQuery(Name = "min_severity")] string? minSeverity,
        [Description("Only this host.")] string? host,
        [Description("Full text over the message: words (all must match), \"phrases\", -word and -\"phrase\" to exclude, 'or'.")] string? q,
        [Description("Only this trace id; lifts the window bound.")][FromQuery(Name = "trace_id")] string? traceId,
        [Description("Events per page, 1 to Store:Search:MaxRows (default 100, at most 1000).")] string? limit,
        [Description("next_cursor of the previous page of the same query.")] string? cursor,
        CancellationToken cancellationToken)
#pragma warning restore IDE0060
    {
        var query = LogSearchParser.ParseSearch(context.Request.Query, time.GetUtcNow(), options.Value.Search, out var errors);
        if (query is null)
        {
            return LogSearchAccess.Invalid(errors);
        }

        var decided = LogSearchAccess.Decide(context.ApiKey(), query.Filter.Tenant, out var refusal);
        if (decided is null)
        {
            return refusal!;
        }

        var filter = query.Filter with { Tenant = decided };
        var hash = LogCursorCodec.QueryHash((query with { Filter = filter }).Normalized());
        var (windowFrom, windowTo) = (query.From, query.To);
        LogCursor? after = null;
        if (query.Cursor is { } text)
        {
            after = cursors.Decode(text);
            if (after is null)
            {
                return LogSearchAccess.Invalid("cursor", "not a cursor this API issued (changed, truncated, or from another installation)");
            }

            // Another tenant's cursor is told apart from another query's by nobody: both are just not this query's.
            if (!string.Equals(after.Tenant, decided, StringComparison.Ordinal) || !hash.AsSpan().SequenceEqual(after.QueryHash))
            {
                return LogSearchAccess.Invalid("cursor", "the cursor belongs to another query: repeat the first page's parameters unchanged, adding only cursor (and limit)");
            }

            (windowFrom, windowTo) = (after.From, after.To);
        }

        List<(StoredEvent Event, DateTimeOffset StoredAt, DateOnly Day)> rows;
        try
        {
            rows = await reader.ReadAsync(LogEventsSql.Search(reader.Schema, filter, windowFrom, windowTo, after, query.Limit), cancellationToken).ConfigureAwait(false);
        }
        catch (QueryTimedOutException ex)
        {
            return TooExpensive(ex);
        }

        var events = rows.Take(query.Limit).Select(r => r.Event).ToList();
        string? next = null;
        if (rows.Count > query.Limit)
        {
            var last = events[^1];
            next = cursors.Encode(new LogCursor(decided, last.Timestamp, last.Id, windowFrom, windowTo, hash));
        }

        return TypedResults.Ok(new LogSearchResult(events, next));
    }

    private static async Task<IResult> GetAsync(
        HttpContext context, LogEventsReader reader,
        [Description("The event's id.")] string id,
        [Description("The tenant (a tenant key: its own, the default; an admin key must give it).")] string? tenant,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var validId = LogSearchParser.ValidText("id", id, errors);
        var requested = LogSearchParser.ValidText("tenant", tenant, errors);
        if (errors.Count > 0 || validId is null)
        {
            return errors.Count > 0 ? LogSearchAccess.Invalid(errors) : LogSearchAccess.Invalid("id", "id is empty");
        }

        var decided = LogSearchAccess.Decide(context.ApiKey(), requested, out var refusal);
        if (decided is null)
        {
            return refusal!;
        }

        var rows = await reader.ReadAsync(LogEventsSql.ById(reader.Schema, decided, validId), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? NotFound(validId) : TypedResults.Ok(rows[0].Event);
    }

#pragma warning disable IDE0060
    private static async Task<IResult> ContextAsync(
        HttpContext context, LogEventsReader reader, IOptions<StoreOptions> options,
        [Description("The event's id.")] string? id,
        [Description("The tenant (a tenant key: its own, the default; an admin key must give it).")] string? tenant,
        [Description("Lines before the event, 0 to Store:Search:MaxContextLines (default 10, at most 100).")] string? before,
        [Description("Lines after the event, 0 to Store:Search:MaxContextLines (default 10, at most 100).")] string? after,
        CancellationToken cancellationToken)
#pragma warning restore IDE0060
    {
        if (LogSearchParser.ParseContext(context.Request.Query, options.Value.Search, out var errors) is not { } parsed)
        {
            return LogSearchAccess.Invalid(errors);
        }

        var decided = LogSearchAccess.Decide(context.ApiKey(), parsed.Tenant, out var refusal);
        if (decided is null)
        {
            return refusal!;
        }

        try
        {
            var anchor = await reader.ReadAsync(LogEventsSql.ById(reader.Schema, decided, parsed.Id), cancellationToken).ConfigureAwait(false);
            if (anchor.Count == 0)
            {
                return NotFound(parsed.Id);
            }

            var older = parsed.Before == 0 ? [] : await reader.ReadAsync(LogEventsSql.Around(reader.Schema, anchor[0].Event, older: true, parsed.Before), cancellationToken).ConfigureAwait(false);
            var newer = parsed.After == 0 ? [] : await reader.ReadAsync(LogEventsSql.Around(reader.Schema, anchor[0].Event, older: false, parsed.After), cancellationToken).ConfigureAwait(false);
            return TypedResults.Ok(new LogContextResult([.. older.Select(r => r.Event).Reverse()], anchor[0].Event, [.. newer.Select(r => r.Event)]));
        }
        catch (QueryTimedOutException ex)
        {
            return TooExpensive(ex);
        }
    }

    private static IResult NotFound(string id) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Type = ProblemTypes.NotFound,
        Title = "No such event",
        Detail = $"No event with id '{Database.StoredText.Printable(id, 64)}' is stored for this tenant.",
    });

    private static IResult TooExpensive(QueryTimedOutException ex) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status400BadRequest,
        Type = ProblemTypes.InvalidQuery,
        Title = "Query too expensive",
        Detail = ex.Message + " Narrow it: a shorter window, a service, severity or trace_id filter, more specific words.",
        Extensions = { ["limit"] = "Store:Search:StatementTimeout" },
    });
}
