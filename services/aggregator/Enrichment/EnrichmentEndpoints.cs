using LogDapr.ServiceDefaults.Audit;
using System.Buffers.Text;
using System.Text;
using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.Http;
using LogDapr.Aggregator.Sink;
using LogDapr.Processing.Enrichment;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// The enrichment metadata part of the counter's query API, admin keys only: create or replace, read, list and delete
/// the attributes of a host or a service. Writes go through the Postgres binding and update the state store entry.
/// </summary>
public static class EnrichmentEndpoints
{
    public const string MetadataTag = "Enrichment metadata";
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;
    private const string MaxBodyName = "enrichment metadata body (64 KiB)";

    public static IEndpointRouteBuilder MapEnrichmentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/metadata/{kind}/{**name}", PutAsync)
            .RequireAuthorization(AuthPolicies.Admin)
            .WithTags(MetadataTag)
            .WithName("PutMetadata")
            .Audited(AuditActions.MetadataPut, MetadataResource)
            .WithSummary("Create or replace the attributes of a host or service: {\"attributes\": {\"key\": \"value\"}}")
            .WithDescription("kind is 'host' or 'service'; the name as events carry it (1 to 255 characters, '/' as is or as %2F). At most 32 attributes, "
                + "keys of 1 to 64 and values of at most 256 characters. 201 when created, 200 when replaced. The processor serves "
                + "a change after at most Enrichment:CacheTtl (in-process cache); the state store entry is replaced with the row.")
            .Accepts<MetadataBody>("application/json")
            .Produces<MetadataView>(StatusCodes.Status200OK)
            .Produces<MetadataView>(StatusCodes.Status201Created)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/v1/metadata/{kind}/{**name}", GetAsync)
            .RequireAuthorization(AuthPolicies.Admin)
            .WithTags(MetadataTag)
            .WithName("GetMetadata")
            .WithSummary("The attributes of one host or service; 404 when there are none")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/v1/metadata/{kind}", ListAsync)
            .RequireAuthorization(AuthPolicies.Admin)
            .WithTags(MetadataTag)
            .WithName("ListMetadata")
            .WithSummary("The hosts or services with metadata, ordered by name, paged with 'cursor' (the next_cursor of the previous page)")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        app.MapDelete("/v1/metadata/{kind}/{**name}", DeleteAsync)
            .RequireAuthorization(AuthPolicies.Admin)
            .WithTags(MetadataTag)
            .WithName("DeleteMetadata")
            .Audited(AuditActions.MetadataDelete, MetadataResource)
            .WithSummary("Remove the attributes of one host or service; 404 when there are none")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<Results<Created<MetadataView>, Ok<MetadataView>, ValidationProblem, ProblemHttpResult>> PutAsync(
        string kind, string name, HttpRequest request, MetadataWriter writer, MetadataReader reader, DeliveryBodyBudget budget, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (Invalid(kind, name, out var key) is { } invalid)
        {
            return invalid;
        }

        var (body, problem) = await BoundedBody.ReadAsync(request, MetadataLimits.MaxBodyBytes, MaxBodyName, budget, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        MetadataBody? parsed;
        string? error;
        using (body)
        {
            (parsed, error) = MetadataBody.Parse(body.Span);
        }

        if (parsed is null)
        {
            return Validation("body", error!);
        }

        var errors = MetadataLimits.Validate(parsed.Attributes);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, type: ProblemTypes.InvalidQuery, title: "Invalid metadata");
        }

        MetadataWriteResult result;
        try
        {
            result = await writer.PutAsync(key, parsed.Attributes, AuditScope.Of(request.HttpContext), cancellationToken).ConfigureAwait(false);
        }
        catch (SinkException ex) when (!ex.IsPermanent)
        {
            return Unavailable(request.HttpContext, "Database unavailable", $"The metadata could not be written: {ex.Message}");
        }

        if (result.StateStoreError is { } stateError)
        {
            return StateStoreBehind(request.HttpContext, stateError);
        }

        var row = await reader.GetAsync(key, cancellationToken).ConfigureAwait(false);
        var view = row is null ? new MetadataView(MetadataKinds.Text(key.Kind), key.Name, parsed.Attributes, time.GetUtcNow()) : MetadataView.From(row);
        return result.Outcome == MetadataWriteOutcome.Created
            ? TypedResults.Created(Location(key), view)
            : TypedResults.Ok(view);
    }

    private static async Task<Results<Ok<MetadataView>, ValidationProblem, ProblemHttpResult>> GetAsync(
        string kind, string name, MetadataReader reader, CancellationToken cancellationToken)
    {
        if (Invalid(kind, name, out var key) is { } invalid)
        {
            return invalid;
        }

        var row = await reader.GetAsync(key, cancellationToken).ConfigureAwait(false);
        return row is null ? NotFound(key) : TypedResults.Ok(MetadataView.From(row));
    }

    private static async Task<Results<Ok<MetadataPage>, ValidationProblem>> ListAsync(
        string kind, int? limit, string? cursor, MetadataReader reader, CancellationToken cancellationToken)
    {
        if (!MetadataKinds.TryParse(kind, out var parsedKind))
        {
            return KindProblem(kind);
        }

        var size = limit ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize)
        {
            return Validation("limit", $"limit must be between 1 and {MaxPageSize}");
        }

        string? after = null;
        if (cursor is not null && !TryDecodeCursor(cursor, out after))
        {
            return Validation("cursor", "cursor is not one this API returned (pass next_cursor of the previous page unchanged)");
        }

        var rows = await reader.ListAsync(parsedKind, after, size, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new MetadataPage(
            [.. rows.Select(MetadataView.From)],
            rows.Count == size ? EncodeCursor(rows[^1].Key.Name) : null));
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> DeleteAsync(
        string kind, string name, HttpContext context, MetadataWriter writer, CancellationToken cancellationToken)
    {
        if (Invalid(kind, name, out var key) is { } invalid)
        {
            return invalid;
        }

        MetadataWriteResult result;
        try
        {
            result = await writer.DeleteAsync(key, AuditScope.Of(context), cancellationToken).ConfigureAwait(false);
        }
        catch (SinkException ex) when (!ex.IsPermanent)
        {
            return Unavailable(context, "Database unavailable", $"The metadata could not be deleted: {ex.Message}");
        }

        if (result.Outcome == MetadataWriteOutcome.NotFound)
        {
            return NotFound(key);
        }

        return result.StateStoreError is { } stateError ? StateStoreBehind(context, stateError) : TypedResults.NoContent();
    }

    /// <summary>The audit record's resource: kind/name as the request gives them (bounded when stored).</summary>
    private static string MetadataResource(HttpContext context)
        => $"{context.Request.RouteValues["kind"]}/{context.Request.RouteValues["name"]?.ToString()?.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase)}";

    private static ValidationProblem? Invalid(string kind, string name, out MetadataKey key)
    {
        key = default;
        // The name is the rest of the path, so a name may hold '/'. ASP.NET Core decodes every escape of a path but
        // %2F (it would change the segments); a client that escapes the name (encodeURIComponent) sends '/' as %2F.
        name = name.Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        if (!MetadataKinds.TryParse(kind, out var parsed))
        {
            return KindProblem(kind);
        }

        if (!MetadataLimits.IsValidName(name))
        {
            return Validation("name", $"name must be 1 to {MetadataLimits.MaxNameLength} characters without NUL or broken surrogates");
        }

        key = new MetadataKey(parsed, name);
        return null;
    }

    private static ValidationProblem KindProblem(string kind)
        => Validation("kind", $"kind must be '{MetadataKinds.Host}' or '{MetadataKinds.Service}', not '{(kind.Length <= 32 ? kind : kind[..32] + "…")}'");

    private static ValidationProblem Validation(string field, string message)
        => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, type: ProblemTypes.InvalidQuery, title: "Invalid metadata request");

    private static ProblemHttpResult NotFound(MetadataKey key)
        => TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Type = ProblemTypes.NotFound,
            Title = "Metadata not found",
            Detail = $"There is no metadata for {MetadataKinds.Text(key.Kind)} '{key.Name}'.",
        });

    /// <summary>Postgres has the change; the state store does not, so the processor could serve the old value until its entry expires.</summary>
    private static ProblemHttpResult StateStoreBehind(HttpContext context, string error)
        => Unavailable(context, "State store not updated",
            $"Postgres has the change but the state store entry could not be updated ({error}); processors may serve the previous value "
            + "until the entry expires (Enrichment:StateStoreEntryTtl). Repeat the request to repair it.");

    private static ProblemHttpResult Unavailable(HttpContext context, string title, string detail)
    {
        context.Response.Headers.RetryAfter = "2";
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Type = ProblemTypes.SinkUnavailable,
            Title = title,
            Detail = detail,
        });
    }

    private static string Location(MetadataKey key) => $"/v1/metadata/{MetadataKinds.Text(key.Kind)}/{Uri.EscapeDataString(key.Name)}";

    private static string EncodeCursor(string name) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(name));

    private static bool TryDecodeCursor(string cursor, out string? name)
    {
        name = null;
        if (cursor.Length == 0 || cursor.Length > 4 * MetadataLimits.MaxNameLength * 4 / 3 + 4)
        {
            return false;
        }

        try
        {
            var decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(cursor));
            name = decoded;
            return MetadataLimits.IsValidName(decoded);
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
