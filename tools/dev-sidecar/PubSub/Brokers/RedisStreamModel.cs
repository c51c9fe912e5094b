namespace LogDapr.DevSidecar.PubSub.Brokers;

/// <summary>
/// How many entries a Redis stream holds under <c>XADD ... MAXLEN ~ n</c> (components-contrib v1.16.0
/// pubsub/redis/redis.go Publish with maxLenApprox; common/component/redis/v9client.go XAdd with Approx: true).
/// A stream keeps every entry, consumed or not, in radix-tree nodes of at most 100 entries or about 4 KiB
/// (Redis defaults stream-node-max-entries / stream-node-max-bytes); approximate trimming drops whole nodes from
/// the front while at least n entries remain, at most 100 nodes' worth (10,000 entries) per XADD. Positions are the
/// topic's message positions; <see cref="Head"/> is the first one still in the stream.
/// </summary>
public sealed class RedisStreamModel(long maxLen)
{
    private const int NodeMaxEntries = 100;
    private const int NodeMaxBytes = 4096;
    private const int EntryOverheadBytes = 32; // field names ("data", "metadata") and listpack headers
    private const int TrimLimitEntries = 100 * NodeMaxEntries;

    private readonly Queue<Node> nodes = new();
    private Node? last;

    public long MaxLen { get; } = maxLen;
    public long Length { get; private set; }
    public long Head { get; private set; }

    public void Append(long position, int payloadBytes)
    {
        var bytes = payloadBytes + EntryOverheadBytes;
        if (last is null || last.Count >= NodeMaxEntries || last.Bytes + bytes >= NodeMaxBytes)
        {
            last = new Node(position);
            this.nodes.Enqueue(last);
        }

        last.Count++;
        last.Bytes += bytes;
        Length++;
        if (this.nodes.Count == 1 && Length == 1)
        {
            Head = position;
        }

        var removed = 0;
        while (this.nodes.Count > 1 && Length - this.nodes.Peek().Count >= MaxLen && removed + this.nodes.Peek().Count <= TrimLimitEntries)
        {
            var node = this.nodes.Dequeue();
            Length -= node.Count;
            removed += node.Count;
            Head = this.nodes.Peek().Start;
        }
    }

    private sealed class Node(long start)
    {
        public long Start { get; } = start;
        public int Count { get; set; }
        public long Bytes { get; set; }
    }
}
