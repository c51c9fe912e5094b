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
public sealed class Broker : IJournalStateMachine, IAsyncDisposable
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

    /// <summary>
    /// Hands the next owed messages to the subscription's deliverer: first handed-back ones whose redelivery is
    /// due, then new ones after the cursor (which moves past them). Messages a Redis stream trimmed meanwhile are
    /// not handed out: they are lost, as daprd's reclaim loop acknowledges ids that no longer exist.
    /// </summary>
    public List<TopicMessage> TakeNext(Subscription subscription, int max)
    {
        var taken = new List<TopicMessage>();
        var lost = new List<long>();
        var now = DateTimeOffset.UtcNow;
        lock (gate)
        {
            if (subscription.Removed)
            {
                return taken;
            }

            var topic = subscription.Topic;
            for (var i = 0; i < subscription.HandedBack.Count && taken.Count < max;)
            {
                var (message, due) = subscription.HandedBack[i];
                if (due is not { } d || d > now)
                {
                    i++;
                    continue;
                }

                subscription.HandedBack.RemoveAt(i);
                if (message.Complete || (message.Pending & subscription.Bit) == 0)
                {
                    continue;
                }

                if (IsTrimmed(topic, message))
                {
                    lost.Add(message.Seq);
                }
                else
                {
                    taken.Add(message);
                }
            }

            while (taken.Count < max && subscription.NextPosition < topic.TailPosition)
            {
                var message = topic.At(subscription.NextPosition++);
                if (message is { Complete: false } && (message.Pending & subscription.Bit) != 0 && !subscription.IsHandedBack(message))
                {
                    if (IsTrimmed(topic, message))
                    {
                        lost.Add(message.Seq);
                    }
                    else
                    {
                        taken.Add(message);
                    }
                }
            }
        }

        JournalTrimmed(subscription, lost);
        return taken;
    }

    /// <summary>
    /// The runtime returned an error for these messages: the broker keeps them and delivers them again at
    /// <paramref name="due"/> (null: not before a restart).
    /// </summary>
    public void HandBack(Subscription subscription, IReadOnlyList<TopicMessage> messages, DateTimeOffset? due)
    {
        var lost = new List<long>();
        lock (gate)
        {
            foreach (var message in messages)
            {
                if (message.Complete || (message.Pending & subscription.Bit) == 0 || subscription.IsHandedBack(message))
                {
                    continue;
                }

                if (IsTrimmed(subscription.Topic, message))
                {
                    lost.Add(message.Seq);
                }
                else
                {
                    subscription.HandedBack.Add(new HandedBackMessage(message, due));
                }
            }

            Interlocked.Add(ref subscription.Stats.HandedBack, messages.Count);
            subscription.Signal.Set();
        }

        JournalTrimmed(subscription, lost);
    }

    /// <summary>The earliest time a handed-back message of the subscription is due again, if any.</summary>
    public DateTimeOffset? NextRedeliveryDue(Subscription subscription)
    {
        lock (gate)
        {
            DateTimeOffset? next = null;
            foreach (var (_, due) in subscription.HandedBack)
            {
                if (due is { } d && (next is null || d < next))
                {
                    next = d;
                }
            }

            return next;
        }
    }

    private static bool IsTrimmed(TopicLog topic, TopicMessage message) => topic.Stream is { } stream && message.Position < stream.Head;

    private void JournalTrimmed(Subscription subscription, List<long> lost)
    {
        if (lost.Count == 0)
        {
            return;
        }

        this.logger.LogWarning("subscription {Subscription}: {Count} message(s) were trimmed from the stream (maxLenApprox) before delivery; lost", subscription.Id, lost.Count);
        var write = Journal.Enqueue(new AckRecord(subscription.Id, AckOutcome.Trimmed, lost.ToArray()));
        _ = write.ContinueWith(t => this.logger.LogError("journaling trimmed messages failed: {Error}", t.Exception?.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>
    /// Puts messages a deliverer could not finish back in front of the subscription's cursor, so they are taken
    /// again (possibly alongside in-flight copies: at-least-once allows the duplicate).
    /// </summary>
    public void Rewind(Subscription subscription, IEnumerable<TopicMessage> messages)
    {
        lock (gate)
        {
            foreach (var message in messages)
            {
                if (!message.Complete && message.Position < subscription.NextPosition)
                {
                    subscription.NextPosition = Math.Max(message.Position, subscription.Topic.HeadPosition);
                }
            }

            subscription.Signal.Set();
        }
    }

    /// <summary>Records that the subscription is done with the messages; durable when the task completes.</summary>
    public Task AckAsync(Subscription subscription, IReadOnlyList<TopicMessage> messages, AckOutcome outcome, CancellationToken cancellationToken = default) =>
        messages.Count == 0
            ? Task.CompletedTask
            : Journal.Enqueue(new AckRecord(subscription.Id, outcome, messages.Select(m => m.Seq).ToArray()), null, cancellationToken);

    public async ValueTask<byte[]> ReadPayloadAsync(TopicMessage message, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            RecordLocation location;
            lock (gate)
            {
                if (message.Cached is { } cached)
                {
                    return cached;
                }

                location = message.Location;
            }

            try
            {
                return await Journal.ReadPayloadAsync(location, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (attempt < 3)
            {
                // Compaction moved the payload between reading its location and opening the segment.
            }
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
                    t.Slots.Where(s => s is not null).Select(s => SnapshotOf(s!)).ToList()))
                .ToList();
            return new BrokerSnapshot(topics, this.journal?.SegmentCount ?? 0, this.journal?.TotalBytes ?? 0, cachedBytes);
        }
    }

    private static SubscriptionSnapshot SnapshotOf(Subscription s) => new(
        s.Id,
        s.AppId,
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

    // ---- IJournalStateMachine: called on the journal thread (or during replay), in journal order ----

    public void Apply(JournalRecord record, RecordLocation location, object? tag)
    {
        var changed = false;
        lock (gate)
        {
            switch (record)
            {
                case CheckpointRecord c:
                    nextSeq = Math.Max(nextSeq, c.NextSeq);
                    break;
                case PublishRecord p:
                    ApplyPublish(p, location, tag);
                    break;
                case AckRecord a:
                    ApplyAck(a);
                    break;
                case SubscribeRecord s:
                    changed = ApplySubscribe(s);
                    break;
                case UnsubscribeRecord u:
                    changed = ApplyUnsubscribe(u.SubscriptionId);
                    break;
            }
        }

        if (changed && !this.replaying)
        {
            SubscriptionsChanged?.Invoke();
        }
    }

    public void Abandon(JournalRecord record, object? tag)
    {
        if (record is PublishRecord p && ReferenceEquals(tag, ReservedTag))
        {
            lock (gate)
            {
                GetOrCreateTopic(p.PubSub, p.Topic).Reserved--;
            }
        }
    }

    public IReadOnlyList<JournalRecord> SegmentHeader()
    {
        lock (gate)
        {
            var records = new List<JournalRecord> { new CheckpointRecord(nextSeq) };
            records.AddRange(this.subscriptions.Values.Select(s =>
                new SubscribeRecord(s.Id, s.AppId, s.Kind, SubscriptionSpecJson.Serialize(s.Spec))));
            return records;
        }
    }

    public (long Count, long Bytes) LiveIn(int segmentId)
    {
        lock (gate)
        {
            return segmentLive.GetValueOrDefault(segmentId);
        }
    }

    public IReadOnlyList<(PublishRecord Record, RecordLocation Location)> RelocationCandidates(int segmentId)
    {
        lock (gate)
        {
            var result = new List<(PublishRecord, RecordLocation)>();
            foreach (var (topic, message) in bySeq.Values)
            {
                if (message.Location.SegmentId != segmentId || message.Complete)
                {
                    continue;
                }

                var pendingFor = topic.Slots
                    .Where(s => s is not null && (message.Pending & s.Bit) != 0)
                    .Select(s => s!.Id)
                    .ToList();
                var flags = message.Flags | (message.Unassigned ? MessageFlags.Unassigned : MessageFlags.None);
                result.Add((new PublishRecord(message.Seq, topic.PubSub, topic.Topic, flags, pendingFor, ReadOnlyMemory<byte>.Empty), message.Location));
            }

            return result;
        }
    }

    private void ApplyPublish(PublishRecord p, RecordLocation location, object? tag)
    {
        var topic = GetOrCreateTopic(p.PubSub, p.Topic);
        if (ReferenceEquals(tag, ReservedTag))
        {
            topic.Reserved--;
        }

        nextSeq = Math.Max(nextSeq, p.Seq + 1);
        if (bySeq.TryGetValue(p.Seq, out var existing))
        {
            // A compaction copy of a message we already hold: only its home on disk changes.
            MoveLocation(existing.Message, location);
            return;
        }

        var flags = p.Flags & MessageFlags.RawPayload;
        ulong pending;
        bool unassigned;
        if (p.PendingFor is null)
        {
            pending = topic.AllBits;
            unassigned = topic.SubscriptionCount == 0;
        }
        else if ((p.Flags & MessageFlags.Unassigned) != 0)
        {
            pending = topic.AllBits;
            unassigned = topic.SubscriptionCount == 0;
        }
        else
        {
            pending = 0;
            foreach (var id in p.PendingFor)
            {
                if (this.subscriptions.TryGetValue(id, out var s) && ReferenceEquals(s.Topic, topic))
                {
                    pending |= s.Bit;
                }
            }

            unassigned = false;
            if (pending == 0)
            {
                return;
            }
        }

        var message = new TopicMessage { Seq = p.Seq, Flags = flags, Pending = pending, Unassigned = unassigned };
        topic.Append(message);
        topic.Live++;
        if (p.PendingFor is null && !this.replaying)
        {
            topic.Published++;
        }

        bySeq[p.Seq] = (topic, message);
        message.Location = location;
        AddSegmentLive(location, 1);
        if (cachedBytes + p.Payload.Length <= cacheBudget)
        {
            message.Cached = p.Payload.ToArray();
            cachedBytes += message.Cached.Length;
        }

        foreach (var s in topic.Slots)
        {
            if (s is not null && (pending & s.Bit) != 0)
            {
                s.PendingCount++;
                s.Signal.Set();
            }
        }

        if (p.PendingFor is null && this.pubsubs.TryGetValue(p.PubSub, out var settings) && settings.Profile.MaxLenApprox > 0)
        {
            topic.Stream ??= new Brokers.RedisStreamModel(settings.Profile.MaxLenApprox);
            var before = topic.Stream.Head;
            topic.Stream.Append(message.Position, p.Payload.Length);
            if (topic.Stream.Head > before)
            {
                TrimUnconsumed(topic, topic.Stream.Head);
            }
        }
    }

    /// <summary>
    /// XADD ... MAXLEN ~ n removed stream entries before <paramref name="head"/>, consumed or not. Entries no
    /// deliverer holds are lost now (XREADGROUP never returns them; reclaim acknowledges their vanished ids);
    /// entries in flight are lost when the runtime hands them back (see <see cref="HandBack"/>).
    /// </summary>
    private void TrimUnconsumed(TopicLog topic, long head)
    {
        var lost = new Dictionary<Subscription, List<long>>();
        foreach (var message in topic.Retained().ToList())
        {
            if (message.Position >= head)
            {
                break;
            }

            if (message.Complete)
            {
                continue;
            }

            if (message.Unassigned && message.Pending == 0)
            {
                if (!this.replaying)
                {
                    topic.Trimmed++;
                }

                CompleteMessage(topic, message);
                continue;
            }

            foreach (var s in topic.Slots)
            {
                if (s is null || (message.Pending & s.Bit) == 0)
                {
                    continue;
                }

                var handedBack = s.HandedBack.RemoveAll(h => ReferenceEquals(h.Message, message)) > 0;
                if (message.Position < s.NextPosition && !handedBack)
                {
                    continue; // a deliverer holds it: its outcome decides
                }

                message.Pending &= ~s.Bit;
                s.PendingCount--;
                if (!this.replaying)
                {
                    topic.Trimmed++;
                    (lost.TryGetValue(s, out var list) ? list : lost[s] = []).Add(message.Seq);
                }
            }

            if (message.Pending == 0)
            {
                CompleteMessage(topic, message);
            }
        }

        Trim(topic);
        foreach (var (s, seqs) in lost)
        {
            this.logger.LogWarning("topic {PubSub}/{Topic}: maxLenApprox trimmed {Count} entries subscription {Subscription} had not consumed; lost", topic.PubSub, topic.Topic, seqs.Count, s.Id);
            // Durable like any acknowledgement; replaying it finds the message already released and changes nothing.
            _ = Journal.Enqueue(new AckRecord(s.Id, AckOutcome.Trimmed, seqs.ToArray()));
        }
    }

    private void ApplyAck(AckRecord a)
    {
        if (!this.subscriptions.TryGetValue(a.SubscriptionId, out var subscription))
        {
            return;
        }

        var topic = subscription.Topic;
        foreach (var seq in a.Seqs)
        {
            if (!bySeq.TryGetValue(seq, out var entry) || !ReferenceEquals(entry.Topic, topic) || (entry.Message.Pending & subscription.Bit) == 0)
            {
                continue;
            }

            var message = entry.Message;
            message.Pending &= ~subscription.Bit;
            subscription.PendingCount--;
            if (!this.replaying)
            {
                switch (a.Outcome)
                {
                    case AckOutcome.Delivered: topic.Delivered++; break;
                    case AckOutcome.DeadLettered: topic.DeadLettered++; break;
                    case AckOutcome.Trimmed: topic.Trimmed++; break;
                    default: topic.Dropped++; break;
                }
            }

            if (message.Pending == 0)
            {
                CompleteMessage(topic, message);
            }
        }

        Trim(topic);
    }

    private bool ApplySubscribe(SubscribeRecord s)
    {
        var spec = SubscriptionSpecJson.Deserialize(s.SpecJson, out var error);
        if (spec is null)
        {
            this.logger.LogError("journal: unreadable subscription {Subscription}: {Error}", s.SubscriptionId, error);
            return false;
        }

        if (this.subscriptions.TryGetValue(s.SubscriptionId, out var existing))
        {
            if (existing.Kind == s.Kind && existing.Spec.SameAs(spec))
            {
                return false;
            }

            existing.Kind = s.Kind;
            existing.Spec = spec;
            return true;
        }

        var topic = GetOrCreateTopic(spec.PubSubName, spec.Topic);
        var placeholder = new Subscription(s.SubscriptionId, s.AppId, s.Kind, spec, topic, 0);
        var slot = topic.AddSubscription(placeholder);
        if (slot < 0)
        {
            this.logger.LogError("subscription {Subscription}: topic {PubSub}/{Topic} already has {Max} subscriptions; ignored",
                s.SubscriptionId, spec.PubSubName, spec.Topic, TopicLog.MaxSubscriptions);
            return false;
        }

        var subscription = new Subscription(s.SubscriptionId, s.AppId, s.Kind, spec, topic, slot) { NextPosition = topic.HeadPosition };
        topic.Slots[slot] = subscription;
        this.subscriptions[subscription.Id] = subscription;

        // A new subscription owes every message that is not yet complete, like a consumer group created at the
        // start of a stream that still holds unacknowledged entries.
        foreach (var message in topic.Retained())
        {
            if (!message.Complete)
            {
                message.Pending |= subscription.Bit;
                message.Unassigned = false;
                subscription.PendingCount++;
            }
        }

        subscription.Signal.Set();
        return true;
    }

    private bool ApplyUnsubscribe(string id)
    {
        if (!this.subscriptions.Remove(id, out var subscription))
        {
            return false;
        }

        subscription.Removed = true;
        var topic = subscription.Topic;
        topic.RemoveSubscription(subscription.Slot);
        foreach (var message in topic.Retained().ToList())
        {
            if ((message.Pending & subscription.Bit) == 0)
            {
                continue;
            }

            message.Pending &= ~subscription.Bit;
            if (message.Pending == 0)
            {
                if (topic.SubscriptionCount == 0)
                {
                    message.Unassigned = true;
                }
                else
                {
                    CompleteMessage(topic, message);
                }
            }
        }

        subscription.PendingCount = 0;
        subscription.Signal.Set();
        Trim(topic);
        return true;
    }

    private void CompleteMessage(TopicLog topic, TopicMessage message)
    {
        message.Complete = true;
        topic.Live--;
        bySeq.Remove(message.Seq);
        AddSegmentLive(message.Location, -1);
        if (message.Cached is { } cached)
        {
            cachedBytes -= cached.Length;
            message.Cached = null;
        }
    }

    private static void Trim(TopicLog topic)
    {
        topic.TrimCompleted();
        foreach (var s in topic.Slots)
        {
            if (s is not null && s.NextPosition < topic.HeadPosition)
            {
                s.NextPosition = topic.HeadPosition;
            }
        }
    }

    private void MoveLocation(TopicMessage message, RecordLocation location)
    {
        AddSegmentLive(message.Location, -1);
        message.Location = location;
        AddSegmentLive(location, 1);
    }

    private void AddSegmentLive(RecordLocation location, int delta)
    {
        var (count, bytes) = segmentLive.GetValueOrDefault(location.SegmentId);
        count += delta;
        bytes += delta * (long)location.PayloadLength;
        if (count <= 0)
        {
            segmentLive.Remove(location.SegmentId);
        }
        else
        {
            segmentLive[location.SegmentId] = (count, bytes);
        }
    }

    private TopicLog GetOrCreateTopic(string pubsub, string topic)
    {
        if (!this.topics.TryGetValue((pubsub, topic), out var log))
        {
            log = new TopicLog(pubsub, topic);
            this.topics[(pubsub, topic)] = log;
        }

        return log;
    }
}
