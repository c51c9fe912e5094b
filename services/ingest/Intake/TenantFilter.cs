using LogDapr.Contracts.Events;
using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.Ingest.Intake;

/// <summary>
/// Splits parsed events into those the caller may write and, for the rest, rejections on tenant_id; keeps the
/// request index of every event so the response names the right ones. Pure.
/// </summary>
public static class TenantFilter
{
    /// <summary>The message of the tenant_id error of an event the caller may not write (a protocol answers it as its 403).</summary>
    public const string ForbiddenMessage = "this API key may not write this tenant (403)";

    public sealed record Result(IReadOnlyList<LogEvent> Allowed, int[] AllowedIndexes, IReadOnlyList<RejectedEvent> Rejected, int Forbidden);

    public static Result Apply(ParseResult parsed, ApiKeyPrincipal caller)
    {
        var indexes = AcceptedIndexes(parsed);
        if (caller.Tenant is null)
        {
            return new Result(parsed.Accepted, indexes, parsed.Rejected, 0);
        }

        var allowed = new List<LogEvent>(parsed.Accepted.Count);
        var allowedIndexes = new List<int>(parsed.Accepted.Count);
        var rejected = new List<RejectedEvent>(parsed.Rejected);
        for (var i = 0; i < parsed.Accepted.Count; i++)
        {
            if (caller.CanAccessTenant(parsed.Accepted[i].TenantId))
            {
                allowed.Add(parsed.Accepted[i]);
                allowedIndexes.Add(indexes[i]);
            }
            else
            {
                rejected.Add(new RejectedEvent(indexes[i], [new FieldError("tenant_id", ForbiddenMessage)]));
            }
        }

        var forbidden = rejected.Count - parsed.Rejected.Count;
        if (forbidden > 0)
        {
            rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        }

        return new Result(allowed, [.. allowedIndexes], rejected, forbidden);
    }

    /// <summary>Position in the request of each accepted event (the reader keeps accepted events in request order).</summary>
    private static int[] AcceptedIndexes(ParseResult parsed)
    {
        var indexes = new int[parsed.Accepted.Count];
        var rejected = parsed.Rejected.Count == 0 ? null : parsed.Rejected.Select(r => r.Index).ToHashSet();
        var position = 0;
        for (var i = 0; i < indexes.Length; i++)
        {
            while (rejected?.Contains(position) == true)
            {
                position++;
            }

            indexes[i] = position++;
        }

        return indexes;
    }
}
