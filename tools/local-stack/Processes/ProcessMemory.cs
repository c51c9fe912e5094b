using System.Globalization;

namespace LogDapr.LocalStack.Processes;

/// <summary>
/// Resident memory of a process from /proc/&lt;pid&gt;/status (Linux), what the kernel actually holds for it:
/// VmRSS now, VmHWM the peak so far. Shared by the benchmark's sampler and the end-to-end memory tests.
/// </summary>
public static class ProcessMemory
{
    /// <summary>Both numbers in bytes, or null when the process is gone or its status cannot be read.</summary>
    public static (long RssBytes, long PeakBytes)? Read(int pid)
    {
        try
        {
            long rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line) * 1024;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line) * 1024;
                }
            }

            return (rss, peak);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>VmRSS in bytes of a process that must be running (a test's subject); throws when it cannot be read.</summary>
    public static long ResidentBytes(int pid) =>
        Read(pid)?.RssBytes ?? throw new InvalidOperationException($"no VmRSS for process {pid.ToString(CultureInfo.InvariantCulture)}");

    private static long Kilobytes(string line)
        => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
