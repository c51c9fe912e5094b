using System.Runtime.InteropServices;

namespace LogDapr.LoadGen.Schedule;

/// <summary>
/// Sub-millisecond sleeps for the dispatcher. Thread.Sleep rounds to whole milliseconds, which at 5,000 requests/s
/// would send requests in bursts of five; spinning instead would take a core from the system under test, which
/// shares this machine. nanosleep wakes within the kernel's timer slack (~50 µs by default).
/// </summary>
internal static partial class PreciseSleep
{
    private static readonly bool Native = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    public static void For(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        if (!Native)
        {
            Thread.Sleep(duration);
            return;
        }

        var ticks = duration.Ticks;
        var request = new TimeSpec
        {
            Seconds = ticks / TimeSpan.TicksPerSecond,
            Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100,
        };
        // An interrupted sleep (EINTR) just returns early; the dispatcher re-reads the clock anyway.
        _ = NanoSleep(in request, IntPtr.Zero);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "nanosleep")]
    private static partial int NanoSleep(in TimeSpec request, IntPtr remaining);
}
