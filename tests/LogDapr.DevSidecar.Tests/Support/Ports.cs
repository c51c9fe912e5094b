using LogDapr.LocalStack.Processes;

namespace LogDapr.DevSidecar.Tests.Support;

public static class Ports
{
    /// <summary>A free port outside the ephemeral range, so parallel test processes' connections cannot take it first.</summary>
    public static int Free() => FreePorts.Next();
}
