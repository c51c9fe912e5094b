namespace LogDapr.Operator.Dapr;

/// <summary>
/// The outcome of <see cref="DaprCompatibilityCheck"/>, as the DaprCompatible condition reports it: True (supported),
/// False (the pipeline is blocked: nothing is applied) or Unknown (the check could not tell; not blocking).
/// </summary>
public sealed record DaprCompatibility(string Status, string Reason, string Message)
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    /// <summary>The DaprCompatible condition's reasons.</summary>
    public const string Supported = "DaprVersionSupported";
    public const string VersionUnknown = "DaprVersionUnknown";
    public const string NotInstalled = "DaprNotInstalled";
    public const string Incompatible = "DaprIncompatible";

    public bool Blocks => Status == False;
}
