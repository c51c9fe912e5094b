namespace LogDapr.ServiceDefaults.Audit;

/// <summary>The operations the audit trail records (column <c>action</c>); stable, filterable with GET /v1/audit?action=.</summary>
public static class AuditActions
{
    public const string DeadLetterReplay = "dead_letter.replay";
    public const string TenantDataRead = "tenant_data.read";
    public const string AuthFailure = "auth.failure";
    public const string MetadataPut = "metadata.put";
    public const string MetadataDelete = "metadata.delete";
    public const string ArchiveRestore = "archive.restore";

    public static IReadOnlyList<string> All { get; } = [DeadLetterReplay, TenantDataRead, AuthFailure, MetadataPut, MetadataDelete, ArchiveRestore];
}
