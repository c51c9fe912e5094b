using System.Globalization;

namespace LogDapr.Aggregator.Audit;

/// <summary>
/// The SQL that appends audit records. A change made through the binding carries its record in the same statement
/// (a data-modifying CTE): one statement is one transaction, so the change and its record commit together or not at
/// all, and a change that touched no row records nothing.
/// </summary>
public static class AuditSql
{
    public const string Table = "audit_log";

    /// <summary>Set to <c>on</c> for its own transaction by the retention job: the only DELETE the table's trigger lets through.</summary>
    public const string RetentionSetting = "logdapr.audit_retention";

    private const string Columns = "actor, action, tenant_id, resource, remote_address, outcome, status_code, suppressed";

    /// <summary>
    /// <paramref name="change"/> (an INSERT, UPDATE or DELETE without RETURNING, using $1..$<paramref name="changeParameters"/>)
    /// followed by one audit record per row it changed; the record's values are <see cref="Values"/>, appended to the
    /// change's parameters. The statement reports the records inserted, which is the rows the change affected.
    /// </summary>
    public static string WithRecord(string schema, string change, int changeParameters)
    {
        var p = Enumerable.Range(changeParameters + 1, 8).Select(i => "$" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        return $"""
            WITH changed AS ({change} RETURNING 1)
            INSERT INTO {schema}.{Table} ({Columns})
            SELECT {p[0]}::text, {p[1]}::text, {p[2]}::text, {p[3]}::text, {p[4]}::text, {p[5]}::text, {p[6]}::integer, {p[7]}::integer FROM changed
            """;
    }

    /// <summary>The record's values in the order of <see cref="WithRecord"/>'s parameters.</summary>
    public static object?[] Values(AuditEntry entry)
        => [entry.Actor, entry.Action, entry.Tenant, entry.Resource, entry.RemoteAddress, entry.Outcome, entry.StatusCode, entry.Suppressed];

    /// <summary>A record that arrived over the audit topic: its own id and time; a redelivery inserts nothing.</summary>
    public static string InsertArrived(string schema)
        => $"INSERT INTO {schema}.{Table} (record_id, at, {Columns}) VALUES (@record_id, @at, @actor, @action, @tenant, @resource, @remote, @outcome, @status, @suppressed) "
            + "ON CONFLICT (record_id) DO NOTHING";

    public static string Insert(string schema)
        => $"INSERT INTO {schema}.{Table} ({Columns}) VALUES (@actor, @action, @tenant, @resource, @remote, @outcome, @status, @suppressed)";
}
