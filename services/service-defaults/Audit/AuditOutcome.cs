using Microsoft.AspNetCore.Http;

namespace LogDapr.ServiceDefaults.Audit;

/// <summary>How an audited operation ended (column <c>outcome</c>), derived from the HTTP status the caller got.</summary>
public static class AuditOutcome
{
    public const string Success = "success";
    public const string Denied = "denied";
    public const string Failed = "failed";

    public static string Of(int status) => status switch
    {
        < 400 => Success,
        StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden => Denied,
        _ => Failed,
    };
}
