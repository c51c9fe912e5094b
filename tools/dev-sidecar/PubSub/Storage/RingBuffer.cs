namespace LogDapr.DevSidecar.PubSub.Storage;

/// <summary>A growable FIFO with indexed access: topics append at the tail and trim completed messages at the head.</summary>
public sealed class RingBuffer<T>
{
    private T[] items = new T[16];
    private int head;

    public int Count { get; private set; }

    public T this[int index] => items[(this.head + index) % items.Length];

    public void Add(T item)
    {
        if (Count == items.Length)
        {
            var bigger = new T[items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                bigger[i] = this[i];
            }

            items = bigger;
            this.head = 0;
        }

        items[(this.head + Count) % items.Length] = item;
        Count++;
    }

    public T RemoveFirst()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("empty");
        }

        var item = items[this.head];
        items[this.head] = default!;
        this.head = (this.head + 1) % items.Length;
        Count--;
        if (Count == 0)
        {
            this.head = 0;
        }

        return item;
    }
}
