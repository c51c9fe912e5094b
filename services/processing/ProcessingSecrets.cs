namespace LogDapr.Processing;

/// <summary>Secrets a rule set may need: the HMAC key of hash-mode redaction.</summary>
public sealed record ProcessingSecrets(byte[]? HashKey)
{
    public static ProcessingSecrets None { get; } = new((byte[]?)null);
}
