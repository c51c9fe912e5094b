using LogDapr.ServiceDefaults.Audit;
using LogDapr.Aggregator.Database;
using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.Aggregator.Audit;

/// <summary>
/// The audit record of one request to an audited operation, in the making. The endpoint filter opens it before the
/// handler runs; a handler whose change goes through the binding writes it in the change's statement
/// (<see cref="Entry"/>, then <see cref="MarkRecorded"/>); otherwise the filter writes it with the status the caller got.
/// </summary>
public sealed class AuditScope
{
    public const string Anonymous = AuditActors.Anonymous;
    public const int MaxTenantChars = 1024;
    public const int MaxTextChars = 1100;
    public const int MaxAddressChars = 64;
    private static readonly object ItemKey = new();

    private readonly string actor;
    private readonly string action;
    private readonly string? resource;
    private readonly string? remoteAddress;

    private AuditScope(string actor, string action, string? tenant, string? resource, string? remoteAddress)
    {
        this.actor = actor;
        this.action = action;
        Tenant = tenant;
        this.resource = resource;
        this.remoteAddress = remoteAddress;
    }

    /// <summary>The tenant the operation concerns, once known (a dead letter's tenant is known after it is read).</summary>
    public string? Tenant { get; set; }

    public bool Recorded { get; private set; }

    public static AuditScope Open(HttpContext context, string action, string? tenant, string? resource)
    {
        var scope = new AuditScope(Actor(context), action, Bound(tenant, MaxTenantChars), Bound(resource, MaxTextChars), RemoteAddress(context));
        context.Items[ItemKey] = scope;
        return scope;
    }

    /// <summary>The scope the audit filter opened for this request, if the endpoint is audited.</summary>
    public static AuditScope? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var scope) ? scope as AuditScope : null;

    public AuditEntry Entry(int statusCode, int suppressed = 0) => new(actor, action, Bound(Tenant, MaxTenantChars), resource, remoteAddress, statusCode, suppressed);

    public void MarkRecorded() => Recorded = true;

    /// <summary>The caller's identity (tenant or _admin, and key id: key ids are unique per tenant file only), never the key.</summary>
    public static string Actor(HttpContext context)
        => context.User.Identity?.IsAuthenticated == true ? Bound(context.ApiKey().Identity, MaxTextChars)! : Anonymous;

    public static string? RemoteAddress(HttpContext context) => Bound(context.Connection.RemoteIpAddress?.ToString(), MaxAddressChars);

    /// <summary>The method and the path, without the query string (it may hold search terms).</summary>
    public static string Request(HttpContext context) => Bound($"{context.Request.Method} {context.Request.Path}", MaxTextChars)!;

    public static string? Bound(string? text, int maxChars) => text is null ? null : StoredText.Storable(text, maxChars);
}
