namespace LogDapr.Operator.Entities;

/// <summary>A spec the schema accepted but that cannot be rendered (only reachable without the API server's checks).</summary>
public sealed class InvalidPipelineException : Exception
{
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
