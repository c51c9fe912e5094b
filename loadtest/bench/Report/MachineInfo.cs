using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LogDapr.Bench.Report;

/// <summary>Where and on what the benchmark ran: the first lines of the report.</summary>
public sealed record MachineInfo(string Cpu, int Cores, long MemoryBytes, string Os, string Runtime, string Commit, string Postgres)
{
    public static MachineInfo Detect(string repoRoot, string postgresBinDirectory)
    {
        var cpu = ReadFirst("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        var memoryKb = ReadFirst("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        var os = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? RuntimeInformation.OSDescription
            : RuntimeInformation.OSDescription;
        var commit = Run("git", ["-C", repoRoot, "rev-parse", "--short", "HEAD"]) ?? "unknown";
        var dirty = Run("git", ["-C", repoRoot, "status", "--porcelain", "--untracked-files=no"]);
        var postgres = Run(Path.Combine(postgresBinDirectory, "postgres"), ["--version"]) ?? "unknown";
        return new MachineInfo(
            cpu,
            Environment.ProcessorCount,
            memoryKb is null ? 0 : long.Parse(memoryKb, System.Globalization.CultureInfo.InvariantCulture) * 1024,
            os,
            RuntimeInformation.FrameworkDescription,
            string.IsNullOrWhiteSpace(dirty) ? commit : commit + " (with uncommitted changes)",
            postgres.Trim());
    }

    /// <summary>The 1-minute load average: other work on the machine (e.g. builds of other sessions) shows here.</summary>
    public static string LoadAverage()
        => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";

    private static string? ReadFirst(string path, string key)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private static string? Run(string file, string[] arguments)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
