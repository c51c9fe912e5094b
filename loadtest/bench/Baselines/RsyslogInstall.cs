using System.Diagnostics;

namespace LogDapr.Bench.Baselines;

/// <summary>Finds rsyslogd with its PostgreSQL output module, installing Debian's rsyslog-pgsql when allowed.</summary>
public static class RsyslogInstall
{
    public const string InstallCommand = "sudo apt-get install -y --no-install-recommends rsyslog-pgsql";
    private const string Daemon = "/usr/sbin/rsyslogd";

    /// <summary>True when rsyslogd and ompgsql.so are present.</summary>
    public static bool IsInstalled() => File.Exists(Daemon) && ModuleDirectories().Any(d => File.Exists(Path.Combine(d, "ompgsql.so")));

    public static string DaemonPath => Daemon;

    /// <summary>Null when ready; otherwise why the peer cannot run (with the command that fixes it).</summary>
    public static async Task<string?> EnsureAsync(bool allowInstall, Action<string> report, CancellationToken cancellationToken)
    {
        if (IsInstalled())
        {
            return null;
        }

        if (!allowInstall)
        {
            return $"rsyslog with ompgsql is not installed (install it with: {InstallCommand})";
        }

        if (!Environment.IsPrivilegedProcess || !File.Exists("/usr/bin/apt-get"))
        {
            return $"rsyslog with ompgsql is not installed and this process cannot install it (not root or no apt-get); run: {InstallCommand}";
        }

        report("rsyslog-pgsql is not installed; installing it with apt-get (the system rsyslog service is not started or touched)");
        // The package's maintainer scripts try to start the system service; without an init system (containers, CI)
        // invoke-rc.d declines, and the benchmark never uses that service anyway: it runs its own rsyslogd.
        var exit = await RunAsync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "rsyslog-pgsql"], cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            exit = await RunAsync("apt-get", ["update", "-qq"], cancellationToken).ConfigureAwait(false);
            exit = exit == 0 ? await RunAsync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "rsyslog-pgsql"], cancellationToken).ConfigureAwait(false) : exit;
        }

        return exit == 0 && IsInstalled() ? null : $"apt-get could not install rsyslog-pgsql (exit {exit}); run: {InstallCommand}";
    }

    private static IEnumerable<string> ModuleDirectories()
    {
        foreach (var lib in new[] { "/usr/lib", "/usr/lib64" })
        {
            if (!Directory.Exists(lib))
            {
                continue;
            }

            foreach (var candidate in Directory.GetDirectories(lib).Select(d => Path.Combine(d, "rsyslog")).Append(Path.Combine(lib, "rsyslog")))
            {
                if (Directory.Exists(candidate))
                {
                    yield return candidate;
                }
            }
        }
    }

    private static async Task<int> RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(output, errors).ConfigureAwait(false);
        return process.ExitCode;
    }
}
