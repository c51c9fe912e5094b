using System.Globalization;
using System.Text.RegularExpressions;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Support;

/// <summary>The built sidecar as a real child process, started the way a runner starts it, so tests can kill -9 it.</summary>
public sealed partial class SidecarProcess : IAsyncDisposable
{
    private readonly TestProcess process;

    private SidecarProcess(TestProcess process, int httpPort, int grpcPort)
    {
        this.process = process;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
    }

    public int HttpPort { get; }
    public int GrpcPort { get; }
    public int ProcessId => process.Id;

    public string Output => process.Output;

    public static Task<SidecarProcess> StartAsync(params string[] args) => StartAsync(null, args);

    public static async Task<SidecarProcess> StartAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "logdapr-dev-sidecar.dll");
        var process = TestProcess.StartDotnet(dll, args, environment?.ToDictionary(e => e.Key, e => (string?)e.Value));
        try
        {
            var ready = await process.WaitForLineAsync(ReadyRegex(), TimeSpan.FromSeconds(60));
            return new SidecarProcess(process, Port(ready.Groups[1]), Port(ready.Groups[2]));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as when a node dies.</summary>
    public Task KillAsync() => process.KillAsync();

    /// <summary>SIGTERM, as Kubernetes or a runner stops it; returns the exit code.</summary>
    public Task<int> TerminateAsync() => process.TerminateAsync(TimeSpan.FromSeconds(30));

    public ValueTask DisposeAsync() => process.DisposeAsync();

    private static int Port(Group digits) => int.Parse(digits.Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^dev-sidecar ready http=(\d+) grpc=(\d+)$")]
    private static partial Regex ReadyRegex();
}
