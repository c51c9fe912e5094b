using System.Diagnostics;
using System.Runtime.InteropServices;
using LogDapr.LocalStack.Layout;

namespace LogDapr.EndToEnd.Tests;

/// <summary>
/// README command 1 as a newcomer runs it in a terminal: Ctrl+C must stop everything it started, Postgres included
/// (Postgres runs in its own session, so only the runner can stop it), and a run after a crash must start anyway.
/// </summary>
[Collection(LocalRunnerCollection.Name)]
public sealed partial class LocalRunnerTests : IDisposable
{
    private const int SigInt = 2;
    private const int SigKill = 9;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly string stateDirectory = Path.Combine(Path.GetTempPath(), "logdapr-e2e", "runner-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Ctrl_C_in_a_terminal_stops_every_process_the_runner_started_including_postgres()
    {
        using var runner = RunnerProcess.Start(stateDirectory);
        await runner.WaitForOutputAsync("Press Ctrl+C", StartTimeout);
        Assert.True(PostgresIsRunning(), "the runner started Postgres");

        // A terminal sends SIGINT to its whole foreground process group, not only to the runner.
        runner.SignalGroup(SigInt);

        Assert.True(await runner.WaitForExitAsync(TimeSpan.FromSeconds(90)), "the runner stops after Ctrl+C\n" + runner.Output);
        Assert.Equal(0, runner.ExitCode);
        Assert.False(PostgresIsRunning(), "Postgres must be stopped with the runner\n" + runner.Output);
    }

    [Fact]
    public async Task A_run_after_a_crashed_run_stops_the_postgres_it_left_and_starts()
    {
        using (var crashed = RunnerProcess.Start(stateDirectory))
        {
            await crashed.WaitForOutputAsync("Press Ctrl+C", StartTimeout);
            crashed.SignalGroup(SigKill);
            Assert.True(await crashed.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.True(PostgresIsRunning(), "a killed runner leaves its Postgres behind (that is the case to recover from)");

        using var next = RunnerProcess.Start(stateDirectory);
        await next.WaitForOutputAsync("Press Ctrl+C", StartTimeout);
        Assert.Contains("Stopped a PostgreSQL that an earlier run left running", next.Output, StringComparison.Ordinal);
        next.SignalGroup(SigInt);
        Assert.True(await next.WaitForExitAsync(TimeSpan.FromSeconds(90)), next.Output);
        Assert.Equal(0, next.ExitCode);
        Assert.False(PostgresIsRunning(), next.Output);
    }

    [Fact]
    public async Task A_second_runner_on_the_same_state_directory_is_refused_without_touching_the_first()
    {
        using var first = RunnerProcess.Start(stateDirectory);
        await first.WaitForOutputAsync("Press Ctrl+C", StartTimeout);

        using var second = RunnerProcess.Start(stateDirectory);
        Assert.True(await second.WaitForExitAsync(TimeSpan.FromSeconds(60)), second.Output);
        Assert.Equal(2, second.ExitCode);
        Assert.Contains("Another local runner is using", second.Output, StringComparison.Ordinal);
        Assert.True(PostgresIsRunning(), "the first runner's Postgres keeps running");

        first.SignalGroup(SigInt);
        Assert.True(await first.WaitForExitAsync(TimeSpan.FromSeconds(90)), first.Output);
        Assert.False(PostgresIsRunning());
    }

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

    /// <summary>The runner in its own session and process group, as a shell in a terminal starts it.</summary>
    private sealed partial class RunnerProcess : IDisposable
    {
        private readonly Process process;
        private readonly System.Text.StringBuilder output = new();
        private readonly Lock gate = new();

        private RunnerProcess(Process process) => this.process = process;

        public string Output
        {
            get
            {
                lock (gate)
                {
                    return output.ToString();
                }
            }
        }

        public int ExitCode => process.ExitCode;

        public static RunnerProcess Start(string stateDirectory)
        {
            var info = new ProcessStartInfo("setsid")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            // An interactive shell starts a foreground job with SIGINT and SIGQUIT at their defaults; a test host started
            // in the background may have them ignored, which the runner would inherit.
            foreach (var argument in new[] { "env", "--default-signal=INT,QUIT", "dotnet", RepoLayout.Discover().LocalRunnerDll, "--no-demo", "--state-dir", stateDirectory })
            {
                info.ArgumentList.Add(argument);
            }

            info.Environment["DOTNET_gcServer"] = "0";
            var process = new Process { StartInfo = info };
            var runner = new RunnerProcess(process);
            process.OutputDataReceived += (_, e) => runner.Append(e.Data);
            process.ErrorDataReceived += (_, e) => runner.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return runner;
        }

        public async Task WaitForOutputAsync(string text, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (!Output.Contains(text, StringComparison.Ordinal))
            {
                Assert.False(process.HasExited, $"the runner exited before printing '{text}':\n{Output}");
                Assert.True(DateTime.UtcNow < deadline, $"the runner did not print '{text}' within {timeout}:\n{Output}");
                await Task.Delay(250);
            }
        }

        /// <summary>setsid made the runner a process-group leader, so its group id is its pid.</summary>
        public void SignalGroup(int signal) => Assert.Equal(0, Kill(-process.Id, signal));

        public async Task<bool> WaitForExitAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                Kill(-process.Id, SigKill);
                process.WaitForExit(10_000);
            }

            process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (gate)
            {
                output.AppendLine(line);
            }
        }

        [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
        private static partial int Kill(int pid, int signal);
    }
}

/// <summary>The runner prefers the conventional ports; its tests run one at a time so each gets them or falls back alike.</summary>
[CollectionDefinition(Name)]
public sealed class LocalRunnerCollection
{
    public const string Name = "local runner";
}
