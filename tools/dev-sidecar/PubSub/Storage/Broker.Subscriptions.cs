using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>Subscribe and unsubscribe records applied: a subscription's cursor, and what happens to its messages when it goes.</summary>
public sealed partial class Broker
{
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

        var settings = this.pubsubs.GetValueOrDefault(spec.PubSubName);
        var (groupName, groupError) = settings is null ? (s.AppId, null) : settings.ConsumerGroupOf(s.AppId);
        if (groupError is not null)
        {
            this.logger.LogError("subscription {Subscription}: component {PubSub} cannot be loaded for app {AppId}: {Error}; ignored",
                s.SubscriptionId, spec.PubSubName, s.AppId, groupError);
            return false;
        }

        var topic = GetOrCreateTopic(spec.PubSubName, spec.Topic);
        var key = groupName ?? ConsumerGroup.PrivateKey(s.SubscriptionId);
        var group = topic.FindGroup(key);
        var created = group is null;
        if (group is null)
        {
            var slot = topic.AddGroup(slot => new ConsumerGroup(key, groupName, topic, slot) { NextPosition = topic.HeadPosition });
            if (slot < 0)
            {
                this.logger.LogError("subscription {Subscription}: topic {PubSub}/{Topic} already has {Max} consumer groups; ignored",
                    s.SubscriptionId, spec.PubSubName, spec.Topic, TopicLog.MaxSubscriptions);
                return false;
            }

            group = topic.Slots[slot]!;
        }

        var subscription = new Subscription(s.SubscriptionId, s.AppId, s.Kind, spec, group);
        group.Members.Add(subscription);
        this.subscriptions[subscription.Id] = subscription;
        if (created)
        {
            StartGroup(topic, group, settings?.Profile.NewGroupStartsAtEnd == true);
        }

        group.SignalAll();
        return true;
    }

    /// <summary>
    /// Where a new consumer group starts. At the oldest message (Redis, Kafka oldest, JetStream all) it owes
    /// every message not yet complete, like a group created at the start of a stream that still holds
    /// unacknowledged entries. At the end (Kafka newest, JetStream new) it owes nothing published before it, and
    /// messages that were waiting for a first subscriber are dropped. Replay always takes the first branch: the
    /// group existed before the restart, and the journal's acknowledgements settle what it still owes.
    /// </summary>
    private void StartGroup(TopicLog topic, ConsumerGroup group, bool atEnd)
    {
        if (atEnd && !this.replaying)
        {
            group.NextPosition = topic.TailPosition;
            foreach (var message in topic.Retained().ToList())
            {
                if (!message.Complete && message.Unassigned && message.Pending == 0)
                {
                    topic.Dropped++;
                    CompleteMessage(topic, message);
                }
            }

            Trim(topic);
            return;
        }

        foreach (var message in topic.Retained())
        {
            if (!message.Complete)
            {
                message.Pending |= group.Bit;
                message.Unassigned = false;
                group.PendingCount++;
            }
        }
    }

    private bool ApplyUnsubscribe(string id)
    {
        if (!this.subscriptions.Remove(id, out var subscription))
        {
            return false;
        }

        subscription.Removed = true;
        subscription.Signal.Set();
        var group = subscription.Group;
        var topic = group.Topic;
        group.Members.Remove(subscription);
        if (group.Members.Count > 0)
        {
            // The group lives on. What the leaving member held in flight is acknowledged by no one now (its
            // acknowledgements no longer apply), so the group's cursor goes back to the oldest message and the
            // other members take again whatever the group still owes — possibly a duplicate of one in flight
            // with another member, as a Redis group reclaims a gone consumer's pending entries.
            group.NextPosition = topic.HeadPosition;
            group.SignalAll();
            return true;
        }

        topic.RemoveGroup(group.Slot);
        foreach (var message in topic.Retained().ToList())
        {
            if ((message.Pending & group.Bit) == 0)
            {
                continue;
            }

            message.Pending &= ~group.Bit;
            if (message.Pending == 0)
            {
                if (topic.GroupCount == 0)
                {
                    message.Unassigned = true;
                }
                else
                {
                    CompleteMessage(topic, message);
                }
            }
        }

        group.PendingCount = 0;
        Trim(topic);
        return true;
    }
}
