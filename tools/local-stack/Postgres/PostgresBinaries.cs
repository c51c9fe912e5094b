using System.Diagnostics;

namespace LogDapr.LocalStack.Postgres;

/// <summary>Finds the machine's PostgreSQL server binaries (Debian layout first, then PATH) and can install them.</summary>
public static class PostgresBinaries
{
    public const string InstallCommand = "sudo apt-get update && sudo apt-get install -y postgresql";

    /// <summary>The directory holding initdb, pg_ctl and postgres, or null.</summary>
    public static string? Find()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }

    /// <summary>
    /// Finds the binaries, installing Debian's postgresql package when allowed and running as root with apt-get;
    /// otherwise fails with the exact command to run.
    /// </summary>
    public static async Task<string> EnsureAsync(bool allowInstall, Action<string> report, CancellationToken cancellationToken)
    {
        var found = Find();
        if (found is not null)
        {
            return found;
        }

        if (!allowInstall || !Environment.IsPrivilegedProcess || !File.Exists("/usr/bin/apt-get"))
        {
            throw new InvalidOperationException(
                $"PostgreSQL server binaries (initdb, pg_ctl) were not found. Install them with:{Environment.NewLine}  {InstallCommand}");
        }

        report("PostgreSQL is not installed; installing Debian's postgresql package (apt-get)...");
        await RunAsync("apt-get", ["update", "-qq"], cancellationToken).ConfigureAwait(false);
        await RunAsync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "postgresql"], cancellationToken).ConfigureAwait(false);
        return Find() ?? throw new InvalidOperationException($"apt-get installed postgresql but initdb is still missing; try: {InstallCommand}");
    }

    private static async Task RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}; try: {InstallCommand}");
        }
    }
}
