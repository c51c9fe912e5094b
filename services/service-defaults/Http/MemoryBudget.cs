namespace LogDapr.ServiceDefaults.Http;

/// <summary>
/// A replica-wide allowance of bytes that request bodies may hold at once. Readers reserve as a body grows and give
/// the bytes back when its request ends; a reservation that would go over the capacity is refused, not queued.
/// </summary>
public class MemoryBudget(long capacity)
{
    private long used;

    public long Capacity { get; } = capacity;

    public long Used => Interlocked.Read(ref used);

    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref used, bytes) <= Capacity)
        {
            return true;
        }

        Interlocked.Add(ref used, -bytes);
        return false;
    }

    public void Release(long bytes) => Interlocked.Add(ref used, -bytes);
}
