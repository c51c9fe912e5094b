using System.Diagnostics;
using System.Text.RegularExpressions;
using LogDapr.LocalStack.Layout;
using LogDapr.TestSupport;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// README command 1 as a newcomer runs it in a terminal: Ctrl+C must stop everything it started, Postgres included
/// (Postgres runs in its own session, so only the runner can stop it), and a run after a crash must start anyway.
/// </summary>
[Collection(LocalRunnerCollection.Name)]
public sealed partial class LocalRunnerTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "logdapr-e2e", "runner-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Ctrl_C_in_a_terminal_stops_every_process_the_runner_started_including_postgres()
    {
        await using var runner = StartRunner(stateDirectory);
        await runner.WaitForLineAsync(ReadyLine(), StartTimeout);
        Assert.True(PostgresIsRunning(), "the runner started Postgres");

        // A terminal sends SIGINT to its whole foreground process group, not only to the runner.
        await runner.SignalGroupAsync("INT");

        Assert.True(await runner.WaitForExitAsync(TimeSpan.FromSeconds(90)), "the runner stops after Ctrl+C\n" + runner.Output);
        Assert.Equal(0, runner.ExitCode);
        Assert.False(PostgresIsRunning(), "Postgres must be stopped with the runner\n" + runner.Output);
    }

    [Fact]
    public async Task A_run_after_a_crashed_run_stops_the_postgres_it_left_and_starts()
    {
        await using (var crashed = StartRunner(stateDirectory))
        {
            await crashed.WaitForLineAsync(ReadyLine(), StartTimeout);
            await crashed.SignalGroupAsync("KILL");
            Assert.True(await crashed.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.True(PostgresIsRunning(), "a killed runner leaves its Postgres behind (that is the case to recover from)");

        await using var next = StartRunner(stateDirectory);
        await next.WaitForLineAsync(ReadyLine(), StartTimeout);
        Assert.Contains("Stopped a PostgreSQL that an earlier run left running", next.Output, StringComparison.Ordinal);
        await next.SignalGroupAsync("INT");
        Assert.True(await next.WaitForExitAsync(TimeSpan.FromSeconds(90)), next.Output);
        Assert.Equal(0, next.ExitCode);
        Assert.False(PostgresIsRunning(), next.Output);
    }

    [Fact]
    public async Task A_second_runner_on_the_same_state_directory_is_refused_without_touching_the_first()
    {
        await using var first = StartRunner(stateDirectory);
        await first.WaitForLineAsync(ReadyLine(), StartTimeout);

        await using var second = StartRunner(stateDirectory);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(60)), second.Output);
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("Another local runner is using", second.Output, StringComparison.Ordinal);
        Assert.True(PostgresIsRunning(), "the first runner's Postgres keeps running");

        await first.SignalGroupAsync("INT");
        Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(90)), first.Output);
        Assert.False(PostgresIsRunning());
    }

    [Fact]
    public async Task With_tls_the_runner_serves_https_prints_the_ca_and_the_fingerprint_it_serves_and_curl_with_cacert()
    {
        await using var runner = StartRunner(stateDirectory, "--tls");
        await runner.WaitForLineAsync(ReadyLine(), StartTimeout);
        var output = runner.Output;
        var tls = TlsLine().Match(output);
        Assert.True(tls.Success, "the runner prints the CA and the fingerprint\n" + output);
        var caFile = tls.Groups["ca"].Value;
        var ingest = new Uri(IngestLine().Match(output).Groups["url"].Value);
        using var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caFile));
        string? served = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            served = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(certificate!.GetRawCertData()));
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            using var leaf = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return errors == System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors && chain.Build(leaf);
        };
        using var client = new HttpClient(handler);

        using var ready = await client.GetAsync(new Uri(ingest, "/readyz"));

        Assert.Equal("https", ingest.Scheme);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(tls.Groups["fingerprint"].Value.Replace(":", "", StringComparison.Ordinal), served);
        Assert.Contains($"curl --cacert {caFile} -i -X POST {ingest}v1/logs", output, StringComparison.Ordinal);
        await runner.SignalGroupAsync("INT");
        Assert.True(await runner.WaitForExitAsync(TimeSpan.FromSeconds(90)), runner.Output);
    }

    [GeneratedRegex(@"TLS on: CA (?<ca>\S+); server certificate SHA-256 (?<fingerprint>[0-9A-F:]{95})")]
    private static partial Regex TlsLine();

    [GeneratedRegex(@"curl --cacert \S+ -i -X POST (?<url>https://127\.0\.0\.1:\d+/)v1/logs")]
    private static partial Regex IngestLine();

    public void Dispose()
    {
        // Whatever a failed assertion left behind must not outlive the test.
        var data = Path.Combine(stateDirectory, "postgres", "data");
        if (PostgresIsRunning())
        {
            using var stop = Process.Start(PgCtl("-D", data, "-m", "immediate", "stop"));
            stop?.WaitForExit(30_000);
        }

        try
        {
            Directory.Delete(stateDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    [GeneratedRegex(@"Press Ctrl\+C")]
    private static partial Regex ReadyLine();

    /// <summary>A live postmaster owns the pid file's first line; a stale file names a dead process or none.</summary>
    private bool PostgresIsRunning()
    {
        var pidFile = Path.Combine(stateDirectory, "postgres", "data", "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return false;
        }

        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        return int.TryParse(firstLine, out var pid) && Directory.Exists($"/proc/{pid}");
    }

    private static ProcessStartInfo PgCtl(params string[] arguments)
    {
        var pgCtl = Directory.GetFiles("/usr/lib/postgresql", "pg_ctl", SearchOption.AllDirectories).FirstOrDefault() ?? "pg_ctl";
        var info = Environment.IsPrivilegedProcess ? new ProcessStartInfo("runuser") : new ProcessStartInfo(pgCtl);
        if (Environment.IsPrivilegedProcess)
        {
            foreach (var argument in new[] { "-u", "postgres", "--", pgCtl })
            {
                info.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        return info;
    }

    /// <summary>README command 1 without the demo, started as a shell in a terminal starts it.</summary>
    private static TestProcess StartRunner(string stateDirectory, params string[] extra) =>
        TestProcess.StartInOwnSession("dotnet", [RepoLayout.Discover().LocalRunnerDll, "--no-demo", "--state-dir", stateDirectory, .. extra], new Dictionary<string, string?> { ["DOTNET_gcServer"] = "0" });
}

/// <summary>The runner prefers the conventional ports; its tests run one at a time so each gets them or falls back alike.</summary>
[CollectionDefinition(Name)]
public sealed class LocalRunnerCollection
{
    public const string Name = "local runner";
}
