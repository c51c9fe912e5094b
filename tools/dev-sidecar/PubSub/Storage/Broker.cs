using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>
/// The embedded broker behind every pubsub.* component. All state changes go through the <see cref="Journal"/>
/// and are applied here in journal order (see <see cref="IJournalStateMachine"/>), so what deliverers see is
/// exactly what a restart rebuilds. One lock guards topics, subscriptions and messages; the journal writer is
/// the only thread that mutates them, API threads only reserve capacity and read.
/// </summary>
public sealed partial class Broker : IJournalStateMachine, IAsyncDisposable
{
    private static readonly object ReservedTag = new();

    private readonly object gate = new();
    private readonly Dictionary<string, PubSubSettings> pubsubs;
    private readonly Dictionary<(string PubSub, string Topic), TopicLog> topics = new();
    private readonly Dictionary<long, (TopicLog Topic, TopicMessage Message)> bySeq = new();
    private readonly Dictionary<string, Subscription> subscriptions = new(StringComparer.Ordinal);
    private readonly Dictionary<int, (long Count, long Bytes)> segmentLive = new();
    private readonly long cacheBudget;
    private readonly ILogger logger;
    private Journal.Journal? journal;
    private long nextSeq = 1;
    private long cachedBytes;
    private bool replaying;

    public Broker(IEnumerable<PubSubSettings> pubsubs, long payloadMemoryBudget, ILogger logger)
    {
        this.pubsubs = pubsubs.ToDictionary(p => p.Name, StringComparer.Ordinal);
        cacheBudget = payloadMemoryBudget;
        this.logger = logger;
    }

    /// <summary>Raised (on the journal thread) after a subscription was added, changed or removed.</summary>
    public event Action? SubscriptionsChanged;

    public IReadOnlyCollection<PubSubSettings> PubSubs => this.pubsubs.Values;

    public Journal.Journal Journal => this.journal ?? throw new InvalidOperationException("broker not opened");

    /// <summary>Replays the journal in <paramref name="directory"/> and starts the writer.</summary>
    public void Open(string directory, long segmentBytes, bool fsync)
    {
        this.journal = new Journal.Journal(directory, segmentBytes, fsync, this, this.logger);
        this.replaying = true;
        try
        {
            this.journal.Replay();
        }
        finally
        {
            this.replaying = false;
        }

        this.journal.Start();
    }

    public PubSubSettings GetPubSub(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw DaprApiException.PubSubNameEmpty();
        }

        return this.pubsubs.TryGetValue(name, out var settings) ? settings : throw DaprApiException.PubSubNotFound(name);
    }

    public Task PublishAsync(string pubsub, string topic, OutgoingMessage message, CancellationToken cancellationToken) =>
        PublishManyAsync(pubsub, topic, [message], cancellationToken);

    /// <summary>
    /// Publishes all messages or none: capacity is reserved for the whole set, then each is journaled; completes
    /// when all are durable. A cancelled caller's records that the writer has not reached are never written.
    /// </summary>
    public async Task PublishManyAsync(string pubsub, string topic, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        var settings = GetPubSub(pubsub);
        if (string.IsNullOrEmpty(topic))
        {
            throw DaprApiException.TopicEmpty(pubsub);
        }

        if (messages.Count == 0)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var writes = new Task[messages.Count];
        lock (gate)
        {
            var log = GetOrCreateTopic(pubsub, topic);
            var pending = log.Live + log.Reserved;
            if (pending + messages.Count > settings.MaxPendingPerTopic)
            {
                throw DaprApiException.BrokerFull(pubsub, topic, pending, settings.MaxPendingPerTopic);
            }

            log.Reserved += messages.Count;
            for (var i = 0; i < messages.Count; i++)
            {
                var record = new PublishRecord(nextSeq++, pubsub, topic, messages[i].Flags, null, messages[i].Payload);
                writes[i] = Journal.Enqueue(record, ReservedTag, cancellationToken);
            }
        }

        try
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw DaprApiException.PublishFailed(pubsub, topic, ex.Message, ex);
        }
        catch (ObjectDisposedException ex)
        {
            throw DaprApiException.PublishFailed(pubsub, topic, "the sidecar is shutting down", ex);
        }
    }

    /// <summary>Adds or updates a subscription; unchanged re-registrations write nothing.</summary>
    public async Task<Subscription?> RegisterAsync(string appId, SubscriptionKind kind, SubscriptionSpec spec, CancellationToken cancellationToken)
    {
        GetPubSub(spec.PubSubName);
        var id = Subscription.MakeId(appId, spec.PubSubName, spec.Topic);
        lock (gate)
        {
            if (this.subscriptions.TryGetValue(id, out var existing) && existing.Kind == kind && existing.Spec.SameAs(spec))
            {
                return existing;
            }
        }

        await Journal.Enqueue(new SubscribeRecord(id, appId, kind, SubscriptionSpecJson.Serialize(spec)), null, cancellationToken).ConfigureAwait(false);
        lock (gate)
        {
            return this.subscriptions.GetValueOrDefault(id);
        }
    }

    public async Task UnregisterAsync(string subscriptionId, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            if (!this.subscriptions.ContainsKey(subscriptionId))
            {
                return;
            }
        }

        await Journal.Enqueue(new UnsubscribeRecord(subscriptionId), null, cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<Subscription> Subscriptions()
    {
        lock (gate)
        {
            return this.subscriptions.Values.ToList();
        }
    }

    public BrokerSnapshot Snapshot()
    {
        lock (gate)
        {
            var topics = this.topics.Values
                .OrderBy(t => t.PubSub, StringComparer.Ordinal).ThenBy(t => t.Topic, StringComparer.Ordinal)
                .Select(t => new TopicSnapshot(
                    t.PubSub,
                    t.Topic,
                    t.Published,
                    t.Delivered,
                    t.Live,
                    t.Reserved,
                    t.DeadLettered,
                    t.Dropped,
                    t.Trimmed,
                    t.Slots.Where(g => g is not null).SelectMany(g => g!.Members).Select(SnapshotOf).ToList()))
                .ToList();
            return new BrokerSnapshot(topics, this.journal?.SegmentCount ?? 0, this.journal?.TotalBytes ?? 0, cachedBytes);
        }
    }

    private static SubscriptionSnapshot SnapshotOf(Subscription s) => new(
        s.Id,
        s.AppId,
        s.Group.Name,
        s.Kind == SubscriptionKind.Declarative ? "DECLARATIVE" : "PROGRAMMATIC",
        s.Spec,
        s.PendingCount,
        Interlocked.Read(ref s.Stats.InFlight),
        Interlocked.Read(ref s.Stats.Attempts),
        Interlocked.Read(ref s.Stats.Succeeded),
        Interlocked.Read(ref s.Stats.Retried),
        Interlocked.Read(ref s.Stats.Dropped),
        Interlocked.Read(ref s.Stats.DeadLettered),
        Interlocked.Read(ref s.Stats.AppUnavailable),
        Interlocked.Read(ref s.Stats.Redelivered),
        Interlocked.Read(ref s.Stats.HandedBack),
        Interlocked.Read(ref s.Stats.DeadLetterFailures),
        Volatile.Read(ref s.Stats.LastError));

    public async ValueTask DisposeAsync()
    {
        if (this.journal is not null)
        {
            await this.journal.DisposeAsync().ConfigureAwait(false);
        }
    }
}
