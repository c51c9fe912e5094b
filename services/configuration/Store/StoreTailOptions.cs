namespace LogDapr.Configuration.Store;

/// <summary>Bounds of the live tail (section "Store:Tail").</summary>
public sealed class StoreTailOptions
{
}
