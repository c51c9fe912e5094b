using LogDapr.Contracts.Events;
using LogDapr.Contracts.Events.Encoded;
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

    /// <param name="Allowed">The events the caller may write; it shares the parsed events' bytes (dispose those, not these).</param>
    public sealed record Result(EncodedEvents Allowed, int[] AllowedIndexes, IReadOnlyList<RejectedEvent> Rejected, int Forbidden);

    public static Result Apply(EncodedParseResult parsed, ApiKeyPrincipal caller)
    {
        var events = parsed.Accepted;
        var indexes = AcceptedIndexes(parsed);
        if (caller.Tenant is null)
        {
            return new Result(events, indexes, parsed.Rejected, 0);
        }

        var allowed = new List<int>(events.Count);
        var allowedIndexes = new List<int>(events.Count);
        var rejected = new List<RejectedEvent>(parsed.Rejected);
        for (var i = 0; i < events.Count; i++)
        {
            if (caller.CanAccessTenant(events.TenantId(i)))
            {
                allowed.Add(i);
                allowedIndexes.Add(indexes[i]);
            }
            else
            {
                rejected.Add(new RejectedEvent(indexes[i], [new FieldError("tenant_id", ForbiddenMessage)]));
            }
        }

        var forbidden = rejected.Count - parsed.Rejected.Count;
        if (forbidden == 0)
        {
            return new Result(events, indexes, parsed.Rejected, 0);
        }

        rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
        return new Result(events.Subset(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(allowed)), [.. allowedIndexes], rejected, forbidden);
    }

    /// <summary>Position in the request of each accepted event (the reader keeps accepted events in request order).</summary>
    private static int[] AcceptedIndexes(EncodedParseResult parsed)
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
