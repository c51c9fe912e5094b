namespace LogDapr.DevSidecar.PubSub;

/// <summary>A growable FIFO with indexed access: topics append at the tail and trim completed messages at the head.</summary>
public sealed class RingBuffer<T>
{
    private T[] _items = new T[16];
    private int _head;

    public int Count { get; private set; }

    public T this[int index] => _items[(_head + index) % _items.Length];

    public void Add(T item)
    {
        if (Count == _items.Length)
        {
            var bigger = new T[_items.Length * 2];
            for (var i = 0; i < Count; i++)
            {
                bigger[i] = this[i];
            }

            _items = bigger;
            _head = 0;
        }

        _items[(_head + Count) % _items.Length] = item;
        Count++;
    }

    public T RemoveFirst()
    {
        if (Count == 0)
        {
            throw new InvalidOperationException("empty");
        }

        var item = _items[_head];
        _items[_head] = default!;
        _head = (_head + 1) % _items.Length;
        Count--;
        if (Count == 0)
        {
            _head = 0;
        }

        return item;
    }
}
