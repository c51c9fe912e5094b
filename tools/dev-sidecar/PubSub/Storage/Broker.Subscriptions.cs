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
}
