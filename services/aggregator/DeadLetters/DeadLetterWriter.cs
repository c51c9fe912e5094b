using LogDapr.Aggregator.Audit;
using LogDapr.Aggregator.Database;
using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Sink;
using LogDapr.Configuration.Aggregator;
using LogDapr.Configuration;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.DeadLetters;

/// <summary>
/// Writes dead letters through the Postgres binding (never directly): one row per message id. Every text is made
/// storable first (a dead letter is usually exactly the message Postgres could not take), and a row Postgres still
/// refuses is written again without its payload, so the record of the rejection survives.
/// </summary>
public sealed class DeadLetterWriter(ISqlBinding binding, IOptions<PostgresOptions> options)
{
    /// <summary>Reason stored for a message that reached the dead-letter topic without the aggregator rejecting it.</summary>
    public const string RetriesExhaustedReason =
        "delivery retries exhausted: the aggregator could not process it within the retry policy (e.g. sink unavailable)";

    private const int MaxReasonChars = 4000;
    private const int MaxTopicChars = 256;
    private const int MaxTenantChars = 1024;

    private readonly string schema = options.Value.Schema;

    /// <summary>The aggregator found the message unprocessable: keep why, before Dapr moves it to the dead-letter topic.</summary>
    public Task RecordRejectionAsync(DecodedMessage message, CancellationToken cancellationToken) => WriteAsync(
        $"""
        INSERT INTO {schema}.dead_letters (message_id, topic, payload, reason, attempts, tenant_id)
        VALUES ($1, $2, $3, $4, 0, $5)
        ON CONFLICT (message_id) DO UPDATE
        SET reason = EXCLUDED.reason, payload = EXCLUDED.payload, topic = COALESCE(EXCLUDED.topic, {schema}.dead_letters.topic),
            tenant_id = EXCLUDED.tenant_id, last_seen = now()
        """,
        message, message.PoisonReason!, cancellationToken);

    /// <summary>
    /// A message arrived on the dead-letter topic: count the arrival, keep the reason the aggregator recorded
    /// (if it rejected the message) or record that retries ran out.
    /// </summary>
    public Task RecordArrivalAsync(DecodedMessage message, CancellationToken cancellationToken) => WriteAsync(
        $"""
        INSERT INTO {schema}.dead_letters (message_id, topic, payload, reason, attempts, tenant_id)
        VALUES ($1, $2, $3, $4, 1, $5)
        ON CONFLICT (message_id) DO UPDATE
        SET attempts = {schema}.dead_letters.attempts + 1, last_seen = now(),
            topic = COALESCE({schema}.dead_letters.topic, EXCLUDED.topic),
            tenant_id = COALESCE({schema}.dead_letters.tenant_id, EXCLUDED.tenant_id)
        """,
        message, message.PoisonReason ?? RetriesExhaustedReason, cancellationToken);

    /// <summary>Counts a replay; with an audit scope, the replay's audit record is written by the same statement.</summary>
    public async Task RecordReplayAsync(long id, AuditScope? audit, CancellationToken cancellationToken)
    {
        var update = $"UPDATE {schema}.dead_letters SET replay_count = replay_count + 1, last_replayed_at = now() WHERE id = $1";
        if (audit is null)
        {
            await binding.ExecAsync(update, PostgresBinding.Params(id), cancellationToken).ConfigureAwait(false);
            return;
        }

        var entry = audit.Entry(StatusCodes.Status202Accepted);
        if (await binding.ExecAsync(AuditSql.WithRecord(schema, update, 1), PostgresBinding.Params([id, .. AuditSql.Values(entry)]), cancellationToken)
            .ConfigureAwait(false) > 0)
        {
            audit.MarkRecorded();
        }
    }

    private async Task WriteAsync(string sql, DecodedMessage message, string reason, CancellationToken cancellationToken)
    {
        var id = StoredText.Storable(message.MessageId, StoredLimits.MaxMessageIdBytes);
        var topic = message.Topic is null ? null : StoredText.Storable(message.Topic, MaxTopicChars);
        var tenant = message.Tenant is { } t && t.Length <= MaxTenantChars && StoredText.IsStorable(t) ? t : null;
        try
        {
            await binding.ExecAsync(sql, PostgresBinding.Params(id, topic, StoredText.Storable(message.RawEvent ?? string.Empty, int.MaxValue),
                StoredText.Storable(reason, MaxReasonChars), tenant), cancellationToken).ConfigureAwait(false);
        }
        catch (SinkException ex) when (ex.IsPermanent)
        {
            var without = StoredText.Storable($"{reason}; the payload could not be stored: {ex.Message}", MaxReasonChars);
            await binding.ExecAsync(sql, PostgresBinding.Params(id, topic, string.Empty, without, tenant), cancellationToken).ConfigureAwait(false);
        }
    }
}
