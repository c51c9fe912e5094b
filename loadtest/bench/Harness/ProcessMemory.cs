using System.Globalization;

namespace LogDapr.Bench.Harness;

/// <summary>Resident memory of a process from /proc/&lt;pid&gt;/status (Linux): VmRSS now, VmHWM the peak so far.</summary>
public static class ProcessMemory
{
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

    private static long Kilobytes(string line)
        => long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
