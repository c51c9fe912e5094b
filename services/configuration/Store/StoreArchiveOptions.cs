namespace LogDapr.Configuration.Store;

/// <summary>Archive before retention drops a partition (section "Store:Archive").</summary>
public sealed class StoreArchiveOptions
{
}
