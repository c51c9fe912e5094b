using LogDapr.DevSidecar.PubSub.Journal;
using LogDapr.DevSidecar.PubSub.Subscriptions;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>
/// What the journal's compaction asks the broker: the records that open a new segment, how much of a segment is still
/// live, which publishes to copy forward, and where a copied payload now lives.
/// </summary>
public sealed partial class Broker
{
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
                    .Where(g => g is not null && (message.Pending & g.Bit) != 0)
                    .Select(g => g!.Members[0].Id)
                    .ToList();
                var flags = message.Flags | (message.Unassigned ? MessageFlags.Unassigned : MessageFlags.None);
                result.Add((new PublishRecord(message.Seq, topic.PubSub, topic.Topic, flags, pendingFor, ReadOnlyMemory<byte>.Empty), message.Location));
            }

            return result;
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
}
