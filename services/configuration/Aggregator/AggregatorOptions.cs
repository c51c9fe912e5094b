using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Aggregator;

/// <summary>Aggregation and subscription settings (section "Aggregator"). Validated at start-up.</summary>
public sealed class AggregatorOptions : IValidatableObject
{
    public const string Section = "Aggregator";

    public const int MiB = 1024 * 1024;

    /// <summary>Counter (the default) or Store; see <see cref="AggregatorRole"/>.</summary>
    [EnumDataType(typeof(AggregatorRole))]
    public AggregatorRole Role { get; set; } = AggregatorRole.Counter;

    /// <summary>Width of a count bucket. Queries can use any step that is a multiple of it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan BucketWidth { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most messages in one bulk delivery (Dapr bulkSubscribe.maxMessagesCount).</summary>
    [Range(1, 10_000)]
    public int BulkMaxMessages { get; set; } = 100;

    /// <summary>Longest the sidecar waits to fill a bulk delivery (Dapr bulkSubscribe.maxAwaitDurationMs).</summary>
    [Range(1, 60_000)]
    public int BulkMaxAwaitMilliseconds { get; set; } = 500;

    /// <summary>True when Dapr Subscription resources (rendered by the operator) declare the subscriptions instead of /dapr/subscribe.</summary>
    public bool DeclarativeSubscriptions { get; set; }

    /// <summary>
    /// Without <c>APP_API_TOKEN</c> the Dapr routes (<c>/dapr/*</c>) answer 401 to everyone; true runs them open to
    /// anything that reaches the port (logged as a warning at start-up). Only for a sidecar that cannot send a token.
    /// </summary>
    public bool AllowUnauthenticatedDaprRoutes { get; set; }

    /// <summary>
    /// Largest delivery body read. daprd's 4 MiB limit bounds each published message, not what it sends the app: a
    /// bulk delivery carries up to <see cref="BulkMaxMessages"/> messages in one request (daprd's HTTP app channel sets
    /// no request limit, v1.16 pkg/channel/http/http_channel.go). Ingest's messages are at most 900 KiB, so 100 of
    /// them with daprd's envelope stay under the default; a bigger delivery is refused (413) and retried by Dapr, so
    /// raise this with BulkMaxMessages or for larger messages from other publishers.
    /// </summary>
    [Range(64 * 1024, 1024 * MiB)]
    public int MaxDeliveryBytes { get; set; } = 128 * MiB;

    /// <summary>
    /// Delivery and replay bodies all deliveries in flight may hold at once; beyond it a delivery is answered 503
    /// (Dapr retries it) instead of growing the process. At least <see cref="MaxDeliveryBytes"/>, or the largest
    /// delivery could never be read.
    /// </summary>
    [Range(64 * 1024, 4096L * MiB)]
    public long MaxInFlightDeliveryBytes { get; set; } = 256 * MiB;

    /// <summary>
    /// Distinct series (service x severity, each a log_counts row) one tenant may create per bucket. The events of a
    /// series beyond it are counted under service <c>__overflow__</c> (same tenant, bucket and severity), never dropped.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxSeriesPerTenantBucket { get; set; } = 10_000;

    /// <summary>
    /// Most rows (bucket x tenant x service x severity) one metrics answer may hold; a query matching more is refused
    /// with a 400 that says how to narrow it. 20,000 rows are about 3 MB of JSON.
    /// </summary>
    [Range(100, 1_000_000)]
    public int MaxQueryRows { get; set; } = 20_000;

    /// <summary>Largest body of a dead-letter replay (<c>{"data": ...}</c>): what one Dapr publish can carry.</summary>
    [Range(1024, 64 * MiB)]
    public int MaxReplayBodyBytes { get; set; } = 4 * MiB;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxInFlightDeliveryBytes < MaxDeliveryBytes)
        {
            yield return new ValidationResult(
                $"MaxInFlightDeliveryBytes ({MaxInFlightDeliveryBytes}) must be at least MaxDeliveryBytes ({MaxDeliveryBytes}), or the largest delivery could never be read",
                [nameof(MaxInFlightDeliveryBytes), nameof(MaxDeliveryBytes)]);
        }
    }
}
