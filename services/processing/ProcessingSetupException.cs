namespace LogDapr.Processing;

/// <summary>
/// A rule set that parsed but cannot run with the secrets at hand (e.g. hash-mode redaction without a key). The
/// message names the rule and what is missing, so the host can refuse to start with it.
/// </summary>
public sealed class ProcessingSetupException : Exception
{
    public ProcessingSetupException()
    {
    }

    public ProcessingSetupException(string message)
        : base(message)
    {
    }

    public ProcessingSetupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
