using System.Globalization;
using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.PubSub.Brokers;

/// <summary>Which real broker a pubsub.* component's type stands for; decides how deliveries are emulated.</summary>
public enum BrokerKind
{
    /// <summary>pubsub.redis: components-contrib pubsub/redis (Redis Streams, consumer group, XREADGROUP/XCLAIM).</summary>
    Redis,

    /// <summary>pubsub.kafka: components-contrib pubsub/kafka + common/component/kafka (sarama consumer group).</summary>
    Kafka,

    /// <summary>pubsub.jetstream: components-contrib pubsub/jetstream (push consumer, explicit ack).</summary>
    JetStream,

    /// <summary>Any other pubsub.* type: Redis-like, with the sidecar's --delivery-concurrency.</summary>
    Other,
}

/// <summary>What the component does with a message whose handler returned an error.</summary>
public enum HandBackMode
{
    /// <summary>The message goes back to the broker and is redelivered later (Redis PEL + reclaim, JetStream NAK).</summary>
    RedeliverLater,

    /// <summary>The consumer retries the same message or batch in place, blocking its partition (Kafka consumeRetry).</summary>
    RetryInPlace,
}

/// <summary>
/// How the real component behind a pubsub.* type delivers, as far as the app can notice (components-contrib v1.16.0):
/// how many deliveries are in flight, how big an emulated bulk batch can get, and what happens to a message the
/// runtime hands back with an error.
/// </summary>
public sealed record BrokerProfile(
    BrokerKind Kind,
    bool NativeBulk,
    int SingleConcurrency,
    int BulkCapacity,
    HandBackMode HandBack,
    TimeSpan RedeliverAfter,
    TimeSpan ReclaimInterval,
    long MaxLenApprox,
    string Description)
{
    /// <summary>
    /// Where a consumer group that does not exist yet starts: true = after the last message (Kafka
    /// initialOffset newest, the default; JetStream deliverPolicy new), false = at the oldest one the broker
    /// still holds (Redis XGROUP CREATE ... "0"; Kafka oldest; JetStream all, the default).
    /// </summary>
    public bool NewGroupStartsAtEnd { get; init; }

    // components-contrib v1.16.0 common/component/redis/redis.go ParseClientFromProperties (pub/sub defaults).
    public const int RedisDefaultConcurrency = 10;
    public static readonly TimeSpan RedisDefaultProcessingTimeout = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan RedisDefaultRedeliverInterval = TimeSpan.FromSeconds(15);

    // nats-server's default MaxAckPending for a consumer that does not set one (JsDefaultMaxAckPending).
    public const int JetStreamDefaultMaxAckPending = 1000;

    // dapr/kit retry.DefaultConfig (constant 5s, unlimited), used by the Kafka consumer unless backOff* is set.
    public static readonly TimeSpan KafkaDefaultBackOff = TimeSpan.FromSeconds(5);

    /// <summary>Reads the profile from the component's type and metadata; bad values are errors, as daprd's Init fails.</summary>
    public static BrokerProfile For(string type, IReadOnlyDictionary<string, string> metadata, int otherConcurrency)
    {
        switch (type)
        {
            case "pubsub.redis":
            {
                var concurrency = (int)(UInt(metadata, "concurrency") ?? RedisDefaultConcurrency);
                var processingTimeout = RedisDuration(metadata, "processingTimeout") ?? RedisDefaultProcessingTimeout;
                var redeliverInterval = RedisDuration(metadata, "redeliverInterval") ?? RedisDefaultRedeliverInterval;
                var maxLen = (long)(UInt(metadata, "maxLenApprox") ?? 0);
                return new BrokerProfile(BrokerKind.Redis, false, Math.Max(1, concurrency), Math.Max(1, concurrency), HandBackMode.RedeliverLater,
                    processingTimeout, redeliverInterval, maxLen,
                    $"Redis Streams emulation: concurrency={concurrency}, processingTimeout={GoDuration.Format(processingTimeout)}, redeliverInterval={GoDuration.Format(redeliverInterval)}, maxLenApprox={(maxLen > 0 ? maxLen.ToString(CultureInfo.InvariantCulture) : "unset")}; bulk subscribe through daprd's DefaultBulkSubscriber");
            }

            case "pubsub.jetstream":
            {
                var mode = metadata.GetValueOrDefault("concurrencyMode") is { Length: > 0 } m ? m : "single";
                if (mode is not ("single" or "parallel"))
                {
                    throw new FormatException($"invalid concurrencyMode {mode}");
                }

                var maxAckPending = (int)(UInt(metadata, "maxAckPending") ?? JetStreamDefaultMaxAckPending);
                var inFlight = mode == "single" ? 1 : Math.Max(1, maxAckPending);
                var ackWait = metadata.GetValueOrDefault("ackWait") is { Length: > 0 } a && GoDuration.TryParse(a, out var wait) ? wait : TimeSpan.Zero;

                // pubsub/jetstream/metadata.go parseMetadata: case-sensitive, "" = all. last/sequence/time start a
                // new consumer at one message or a chosen point: served as all (see the README's gaps).
                var deliverPolicy = metadata.GetValueOrDefault("deliverPolicy") ?? "";
                if (deliverPolicy is not ("" or "all" or "last" or "new" or "sequence" or "time"))
                {
                    throw new FormatException($"deliver policy {deliverPolicy} is not one of: all, last, new, sequence, time");
                }

                return new BrokerProfile(BrokerKind.JetStream, false, inFlight, inFlight, HandBackMode.RedeliverLater, ackWait, TimeSpan.Zero, 0,
                    $"NATS JetStream emulation: concurrencyMode={mode}, maxAckPending={maxAckPending}, in flight {inFlight}; NAK redelivers after {(ackWait > TimeSpan.Zero ? GoDuration.Format(ackWait) : "no delay")}; deliverPolicy={(deliverPolicy.Length == 0 ? "all" : deliverPolicy)}; bulk subscribe through daprd's DefaultBulkSubscriber")
                {
                    NewGroupStartsAtEnd = deliverPolicy == "new",
                };
            }

            case "pubsub.kafka":
            {
                var backOff = metadata.GetValueOrDefault("backOffDuration") is { Length: > 0 } b && GoDuration.TryParse(b, out var d) ? d : KafkaDefaultBackOff;

                // common/component/kafka/utils.go parseInitialOffset: newest unless "oldest" (case-insensitive).
                var initialOffset = metadata.GetValueOrDefault("initialOffset") ?? "";
                var oldest = string.Equals(initialOffset, "oldest", StringComparison.OrdinalIgnoreCase);
                if (!oldest && initialOffset.Length > 0 && !string.Equals(initialOffset, "newest", StringComparison.OrdinalIgnoreCase))
                {
                    throw new FormatException($"kafka error: invalid initialOffset: {initialOffset}");
                }

                return new BrokerProfile(BrokerKind.Kafka, true, 1, int.MaxValue, HandBackMode.RetryInPlace, backOff, TimeSpan.Zero, 0,
                    $"Kafka emulation: one partition, one delivery or batch in flight, native bulk subscribe; a failed message or batch is retried in place every {GoDuration.Format(backOff)}; a new consumer group starts at the {(oldest ? "oldest" : "newest")} offset")
                {
                    NewGroupStartsAtEnd = !oldest,
                };
            }

            default:
                return new BrokerProfile(BrokerKind.Other, false, Math.Max(1, otherConcurrency), Math.Max(1, otherConcurrency), HandBackMode.RedeliverLater,
                    TimeSpan.FromSeconds(5), TimeSpan.Zero, 0,
                    $"generic emulation: {otherConcurrency} in flight (component 'concurrency' or --delivery-concurrency); bulk subscribe through daprd's DefaultBulkSubscriber");
        }
    }

    /// <summary>
    /// When a handed-back message is delivered again. Redis: the reclaim loop (every redeliverInterval from the
    /// subscription's start) claims entries idle for at least processingTimeout; with either at 0 reclaiming is off
    /// and the entry stays pending until a restart. JetStream: NAK with ackWait as delay, else at once.
    /// </summary>
    public DateTimeOffset? RedeliveryDue(DateTimeOffset handedBackAt, DateTimeOffset subscribedAt)
    {
        if (Kind != BrokerKind.Redis)
        {
            return handedBackAt + RedeliverAfter;
        }

        if (RedeliverAfter <= TimeSpan.Zero || ReclaimInterval <= TimeSpan.Zero)
        {
            return null;
        }

        var eligible = handedBackAt + RedeliverAfter;
        var ticks = Math.Ceiling((eligible - subscribedAt) / ReclaimInterval);
        return subscribedAt + ReclaimInterval * Math.Max(0, ticks);
    }

    private static ulong? UInt(IReadOnlyDictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text) || string.IsNullOrEmpty(text))
        {
            return null;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"metadata {key}: '{text}' is not a non-negative integer");
    }

    // components-contrib: a bare number is milliseconds (legacy), anything else a Go duration.
    private static TimeSpan? RedisDuration(IReadOnlyDictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text) || string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return TimeSpan.FromMilliseconds(ms);
        }

        return GoDuration.TryParse(text, out var d) ? d : throw new FormatException($"metadata {key}: '{text}' is not a duration");
    }
}
