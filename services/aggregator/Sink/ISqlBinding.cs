namespace LogDapr.Aggregator.Sink;

/// <summary>
/// Runs one SQL statement with positional parameters, the way Dapr's PostgreSQL output binding's <c>exec</c> does.
/// Failures are <see cref="SinkException"/>s classified from the error text that crosses Dapr.
/// </summary>
public interface ISqlBinding
{
    /// <returns>The rows affected, as the binding reports them.</returns>
    Task<long> ExecAsync(string sql, string paramsJson, CancellationToken cancellationToken);
}
