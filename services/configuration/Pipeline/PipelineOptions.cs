using System.ComponentModel.DataAnnotations;
namespace LogDapr.Configuration.Pipeline;

/// <summary>Which Dapr components and topics this pipeline instance uses (section "Pipeline").</summary>
public sealed class PipelineOptions
{
    public const string Section = "Pipeline";

    [Required, MinLength(1)]
    public string PubSubName { get; set; } = PipelineDefaults.PubSubComponent;

    [Required, MinLength(1)]
    public string Topic { get; set; } = PipelineDefaults.LogsTopic;

    [Required, MinLength(1)]
    public string DeadLetterTopic { get; set; } = PipelineDefaults.DeadLetterTopic;

    /// <summary>
    /// The topic of the audit records of services without Postgres (ingest's API key failures), which the counter
    /// writes into audit_log. Not dead-lettered: a record the counter cannot read is dropped and logged.
    /// </summary>
    [Required, MinLength(1)]
    public string AuditTopic { get; set; } = PipelineDefaults.AuditTopic;

    /// <summary>
    /// Where dead letters are replayed to; empty means <see cref="Topic"/>. With processing on, the counter reads the
    /// processed topic, and this is the raw topic, so a replayed message is processed again like any other.
    /// </summary>
    public string? ReplayTopic { get; set; }

    [Required, MinLength(1)]
    public string StateStoreName { get; set; } = PipelineDefaults.StateStoreComponent;

    [Required, MinLength(1)]
    public string BindingName { get; set; } = PipelineDefaults.PostgresBindingComponent;
}
