namespace LogDapr.Operator.Entities;

/// <summary>A spec the schema accepted but that cannot be rendered (only reachable without the API server's checks).</summary>
public sealed class InvalidPipelineException : Exception
{
    /// <summary>The condition reason to report; null for the generic InvalidSpec.</summary>
    public string? Reason { get; init; }

    public InvalidPipelineException(string message)
        : base(message)
    {
    }

    public InvalidPipelineException()
    {
    }

    public InvalidPipelineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
