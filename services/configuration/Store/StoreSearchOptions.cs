namespace LogDapr.Configuration.Store;

/// <summary>Bounds of the search API (section "Store:Search").</summary>
public sealed class StoreSearchOptions
{
}
