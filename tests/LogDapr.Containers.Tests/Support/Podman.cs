using System.Diagnostics;
using System.Text;

namespace LogDapr.Containers.Tests.Support;

/// <summary>
/// The podman command line as this machine needs it: runc as the OCI runtime (crun refuses the hybrid cgroups)
/// and explicit ulimits on every container (no CAP_SYS_RESOURCE for podman's defaults).
/// </summary>
public static class Podman
{
    public static readonly string[] Limits = ["--ulimit", "nofile=1024:20000", "--ulimit", "nproc=4096:4096"];

    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("podman")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--runtime");
        start.ArgumentList.Add("runc");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("podman did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"podman {string.Join(' ', arguments)} did not finish within {timeout}");
        }

        return (process.ExitCode, (await stdout).Trim(), (await stderr).Trim());
    }

    /// <summary>Runs podman and returns its standard output; a non-zero exit fails with everything it printed.</summary>
    public static async Task<string> CheckAsync(params string[] arguments)
    {
        var (exit, stdout, stderr) = await RunAsync(TimeSpan.FromMinutes(5), arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException(
                new StringBuilder().Append("podman ").AppendJoin(' ', arguments).Append(" exited ").Append(exit)
                    .AppendLine().AppendLine(stdout).Append(stderr).ToString());
        }

        return stdout;
    }

    /// <summary>The loopback address podman published a container's port on (its first mapping).</summary>
    public static async Task<Uri> PublishedAddressAsync(string container, int port)
    {
        var mapping = await CheckAsync("port", container, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var first = mapping.Split('\n')[0].Trim();
        return new Uri($"http://127.0.0.1:{first[(first.LastIndexOf(':') + 1)..]}/");
    }

    /// <summary>
    /// Polls <paramref name="path"/> until it answers 2xx; on timeout fails with what <paramref name="diagnostics"/>
    /// returns (the containers' logs).
    /// </summary>
    public static async Task WaitUntilOkAsync(Uri baseAddress, string path, TimeSpan timeout, Func<Task<string>> diagnostics)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{baseAddress}{path.TrimStart('/')} did not answer 2xx within {timeout}:{Environment.NewLine}{await diagnostics()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Removes containers, pods and networks by name, ignoring those that do not exist.</summary>
    public static async Task RemoveAsync(string kind, params string[] names)
    {
        foreach (var name in names)
        {
            var arguments = kind == "network" ? new[] { "network", "rm", "-f", name } : new[] { kind, "rm", "-f", "-t", "2", name };
            await RunAsync(TimeSpan.FromMinutes(1), arguments);
        }
    }
}
