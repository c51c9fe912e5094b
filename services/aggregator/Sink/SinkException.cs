namespace LogDapr.Aggregator.Sink;

/// <summary>
/// The binding (or the database behind it) did not take the write. <see cref="IsPermanent"/> says the database
/// refused the data itself (see <see cref="SinkErrors"/>): the same write can never succeed, so retrying it would
/// stall every message it carries. Otherwise the failure is transient and the delivery is retried.
/// </summary>
public sealed class SinkException(string message, bool isPermanent, string? sqlState, Exception? inner = null) : Exception(message, inner)
{
    public bool IsPermanent { get; } = isPermanent;

    public string? SqlState { get; } = sqlState;
}
