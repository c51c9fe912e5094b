using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LogDapr.DevSidecar.Tests.Infrastructure;

/// <summary>The built sidecar as a real child process, started the way a runner starts it, so tests can kill -9 it.</summary>
public sealed partial class SidecarProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<(int Http, int Grpc)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException("sidecar exited before ready:\n" + Output));
    }

    public int HttpPort { get; private set; }
    public int GrpcPort { get; private set; }
    public int ProcessId => _process.Id;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static Task<SidecarProcess> StartAsync(params string[] args) => StartAsync(null, args);

    public static async Task<SidecarProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var sidecar = new SidecarProcess(args, environment);
        sidecar._process.Start();
        sidecar._process.BeginOutputReadLine();
        sidecar._process.BeginErrorReadLine();
        (sidecar.HttpPort, sidecar.GrpcPort) = await sidecar._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return sidecar;
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a node dies.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as Kubernetes or a runner stops it; returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var match = ReadyRegex().Match(line);
        if (match.Success)
        {
            _ready.TrySetResult((int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [GeneratedRegex(@"^dev-sidecar ready http=(\d+) grpc=(\d+)$")]
    private static partial Regex ReadyRegex();
}
