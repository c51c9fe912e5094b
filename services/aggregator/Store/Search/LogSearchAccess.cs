using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.AspNetCore.Mvc;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>
/// Which tenant a read may see. A tenant key sees only its own tenant (an absent tenant means its own, another is a
/// 403, as in the counter's query API). An admin key (and any caller while auth is off) must name the tenant: events
/// are stored and indexed per tenant, so a search across all tenants is refused with a 400 rather than scanned.
/// </summary>
public static class LogSearchAccess
{
    public static string? Decide(ApiKeyPrincipal caller, string? requested, out IResult? refusal)
    {
        refusal = null;
        if (caller.Tenant is not null)
        {
            if (requested is not null && !caller.CanAccessTenant(requested))
            {
                refusal = TypedResults.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status403Forbidden,
                    Type = ProblemTypes.Forbidden,
                    Title = "Forbidden tenant",
                    Detail = "This API key may only read its own tenant.",
                });
                return null;
            }

            return caller.Tenant;
        }

        if (requested is null)
        {
            refusal = Invalid("tenant", "an admin key must name the tenant to read: tenant=<id> (events are kept and searched per tenant)");
            return null;
        }

        return requested;
    }

    public static IResult Invalid(string parameter, string message)
        => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [parameter] = [message] }, type: ProblemTypes.InvalidQuery, title: "Invalid log query");

    public static IResult Invalid(IDictionary<string, string[]> errors)
        => TypedResults.ValidationProblem(errors, type: ProblemTypes.InvalidQuery, title: "Invalid log query");
}
