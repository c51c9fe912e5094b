using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LogDapr.DevSidecar.Tests.Support;

/// <summary>The built sidecar as a real child process, started the way a runner starts it, so tests can kill -9 it.</summary>
public sealed partial class SidecarProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource<(int Http, int Grpc)> ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SidecarProcess(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "logdapr-dev-sidecar.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        this.process = new Process { StartInfo = start, EnableRaisingEvents = true };
        this.process.OutputDataReceived += (_, e) => OnLine(e.Data);
        this.process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        this.process.Exited += (_, _) => this.ready.TrySetException(new InvalidOperationException("sidecar exited before ready:\n" + Output));
    }

    public int HttpPort { get; private set; }
    public int GrpcPort { get; private set; }
    public int ProcessId => this.process.Id;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static Task<SidecarProcess> StartAsync(params string[] args) => StartAsync(null, args);

    public static async Task<SidecarProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var sidecar = new SidecarProcess(args, environment);
        sidecar.process.Start();
        sidecar.process.BeginOutputReadLine();
        sidecar.process.BeginErrorReadLine();
        (sidecar.HttpPort, sidecar.GrpcPort) = await sidecar.ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return sidecar;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a node dies.</summary>
    public async Task KillAsync()
    {
        this.process.Kill(entireProcessTree: true);
        await this.process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as Kubernetes or a runner stops it; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", this.process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await this.process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return this.process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!this.process.HasExited)
        {
            await KillAsync();
        }

        this.process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }

        var match = ReadyRegex().Match(line);
        if (match.Success)
        {
            this.ready.TrySetResult((int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [GeneratedRegex(@"^dev-sidecar ready http=(\d+) grpc=(\d+)$")]
    private static partial Regex ReadyRegex();
}
