using System.ComponentModel.DataAnnotations;
using LogDapr.Configuration.Pipeline;

namespace LogDapr.Configuration.Aggregator;

/// <summary>
/// Direct Postgres access (section "Postgres"): only schema migrations, partition maintenance and the query API's
/// reads use it. Every write of counts and dead letters goes through the Dapr binding.
/// </summary>
public sealed class PostgresOptions
{
    public const string Section = "Postgres";

    [Required(ErrorMessage = "Postgres:ConnectionString is required (a postgres://user:password@host:5432/database URL or libpq keywords host=... user=... dbname=...; the form Dapr's binding reads too)")]
    public string ConnectionString { get; set; } = "";

    /// <summary>Schema holding LogDapr's tables; an unquoted SQL identifier.</summary>
    [Required, RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Postgres:Schema must be a lowercase SQL identifier")]
    public string Schema { get; set; } = PipelineDefaults.PostgresSchema;

    /// <summary>
    /// Days the ids of processed messages are kept for de-duplication. A redelivery older than this would be
    /// counted again, so keep it above the broker's longest possible redelivery delay.
    /// </summary>
    [Range(1, 3650)]
    public int DedupRetentionDays { get; set; } = 7;

    /// <summary>
    /// How long Postgres may stay unreachable (or the schema unmigrated) after start before it is reported as an
    /// error; until then waiting for it is part of starting up and is logged at Information.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromMinutes(2);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);
}
