using System.Globalization;
using LogDapr.LocalStack.Processes;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests.Support;

/// <summary>
/// The built `logdapr-operator run` as a real process against the fake API server over a loopback socket (its
/// kubeconfig in a temporary directory), with a free health port. A scenario run through <see cref="RunAsync"/>
/// fails with the operator's log attached; dispose kills the process and removes the directory.
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private readonly LoopbackApiServer api;
    private readonly DirectoryInfo directory;

    private OperatorProcess(LoopbackApiServer api, DirectoryInfo directory, TestProcess process, int healthPort)
    {
        this.api = api;
        this.directory = directory;
        Process = process;
        HealthPort = healthPort;
    }

    public TestProcess Process { get; }

    public int HealthPort { get; }

    /// <param name="user">Who the API server sees (its RBAC decisions name this user).</param>
    /// <param name="arguments">Extra `run` arguments, e.g. --leader-elect=false.</param>
    public static async Task<OperatorProcess> StartAsync(TestCluster cluster, string user, params string[] arguments)
    {
        var api = await LoopbackApiServer.StartAsync(cluster.Server, user);
        var directory = Directory.CreateTempSubdirectory("logdapr-operator-run");
        var kubeconfig = api.WriteKubeconfig(directory.FullName);
        var healthPort = FreePorts.Next();
        var process = TestProcess.StartDotnet(
            Path.Combine(AppContext.BaseDirectory, "logdapr-operator.dll"),
            ["run", "--kubeconfig", kubeconfig, "--health-port", healthPort.ToString(CultureInfo.InvariantCulture), .. arguments],
            new Dictionary<string, string?> { ["POD_NAME"] = "operator-0", ["KUBERNETES_SERVICE_HOST"] = null });
        return new OperatorProcess(api, directory, process, healthPort);
    }

    /// <summary>Runs <paramref name="scenario"/>; a failure carries the last 6,000 characters of the operator's output.</summary>
    public async Task RunAsync(Func<Task> scenario)
    {
        try
        {
            await scenario();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var log = Process.Output;
            throw new Xunit.Sdk.XunitException(e.Message + "\n--- operator output ---\n" + (log.Length > 6000 ? log[^6000..] : log));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await api.DisposeAsync();
        directory.Delete(recursive: true);
    }
}
