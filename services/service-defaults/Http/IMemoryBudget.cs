namespace LogDapr.ServiceDefaults.Http;

/// <summary>A shared allowance of bytes that request bodies may hold at once.</summary>
public interface IMemoryBudget
{
    bool TryReserve(long bytes);

    void Release(long bytes);
}
