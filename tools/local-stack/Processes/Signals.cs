using System.Runtime.InteropServices;

namespace LogDapr.LocalStack.Processes;

/// <summary>POSIX signals for graceful stops; .NET's Process API only offers SIGKILL.</summary>
internal static partial class Signals
{
    public const int SigTerm = 15;
    public const int SigStop = 19;
    public const int SigCont = 18;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;
}
