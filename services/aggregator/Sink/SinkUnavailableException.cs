namespace LogDapr.Aggregator.Sink;

/// <summary>The binding (or the database behind it) did not take the write; the delivery must be retried.</summary>
public sealed class SinkUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
