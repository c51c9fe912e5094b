namespace LogDapr.Aggregator.Store.Search;

/// <summary>A read ran longer than Store:Search:StatementTimeout: the query asks for more than the store answers efficiently.</summary>
public sealed class QueryTimedOutException(TimeSpan timeout, Exception inner)
    : Exception($"The query ran longer than {timeout.TotalSeconds:0.###} s (Store:Search:StatementTimeout).", inner)
{
    public TimeSpan Timeout { get; } = timeout;
}
