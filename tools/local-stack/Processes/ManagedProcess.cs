using System.Diagnostics;

namespace LogDapr.LocalStack.Processes;

/// <summary>
/// A child process of the local stack: output goes to a log file and a short in-memory tail (for test failure
/// messages); it can be stopped gracefully (SIGTERM), killed (SIGKILL, to simulate a crash) and started again.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private const int TailLines = 300;
    private readonly ProcessSpec spec;
    private readonly string logPath;
    private readonly LinkedList<string> tail = new();
    private readonly Lock gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> waiters = [];
    private Process? process;
    private StreamWriter? log;

    public ManagedProcess(ProcessSpec spec, string logDirectory)
    {
        this.spec = spec;
        Directory.CreateDirectory(logDirectory);
        logPath = Path.Combine(logDirectory, spec.Name + ".log");
    }

    public string Name => spec.Name;
    public string LogPath => logPath;
    public bool IsRunning => process is { HasExited: false };
    public int? ProcessId => IsRunning ? process!.Id : null;

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        var info = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        log ??= new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        Append($"---- starting {spec.FileName} {string.Join(' ', spec.Arguments)}");
        var started = new Process { StartInfo = info, EnableRaisingEvents = true };
        started.OutputDataReceived += (_, e) => { if (e.Data is not null) Append(e.Data); };
        started.ErrorDataReceived += (_, e) => { if (e.Data is not null) Append(e.Data); };
        started.Exited += (_, _) => Append($"---- exited");
        started.Start();
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        process = started;
    }

    /// <summary>Waits for an output line (printed after this call or still in the tail) matching <paramref name="match"/>.</summary>
    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (gate)
        {
            if (tail.Any(match))
            {
                return;
            }

            waiters.Add((match, seen));
        }

        try
        {
            await seen.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name} did not print the expected line within {timeout}.{Environment.NewLine}{Tail()}");
        }
        finally
        {
            lock (gate)
            {
                waiters.RemoveAll(w => w.Seen == seen);
            }
        }
    }

    /// <summary>Waits until GET <paramref name="url"/> answers 2xx, failing early if the process exits.</summary>
    /// <param name="handler">For an HTTPS url: a handler trusting its certificate (LocalTlsFiles.TrustingHandler).</param>
    public async Task WaitForHttpAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken = default, HttpMessageHandler? handler = null)
    {
        using var http = handler is null ? new HttpClient { Timeout = TimeSpan.FromSeconds(2) } : new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!IsRunning)
            {
                throw new InvalidOperationException($"{Name} exited before {url} answered.{Environment.NewLine}{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name}: {url} did not answer 2xx within {timeout}.{Environment.NewLine}{Tail()}");
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL: the process gets no chance to finish anything, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        var p = process;
        if (p is null || p.HasExited)
        {
            return;
        }

        Append("---- SIGKILL");
        p.Kill(entireProcessTree: true);
        await p.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGSTOP: the process hangs with its sockets open, as a stalled or overloaded peer looks from outside.</summary>
    public void Pause() => SignalRunning(Signals.SigStop, "---- SIGSTOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => SignalRunning(Signals.SigCont, "---- SIGCONT");

    private void SignalRunning(int signal, string note)
    {
        var p = process;
        if (p is null || p.HasExited)
        {
            throw new InvalidOperationException($"{Name} is not running.");
        }

        Append(note);
        Signals.Send(p.Id, signal);
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        var p = process;
        if (p is null || p.HasExited)
        {
            return;
        }

        Signals.Send(p.Id, Signals.SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await p.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await KillAsync().ConfigureAwait(false);
        }
    }

    public string Tail(int lines = 60)
    {
        lock (gate)
        {
            return $"---- last lines of {Name} ({logPath}):{Environment.NewLine}"
                + string.Join(Environment.NewLine, tail.Skip(Math.Max(0, tail.Count - lines)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        process?.Dispose();
        lock (gate)
        {
            log?.Dispose();
            log = null;
        }
    }

    private void Append(string line)
    {
        List<TaskCompletionSource>? matched = null;
        lock (gate)
        {
            log?.WriteLine(line);
            tail.AddLast(line);
            if (tail.Count > TailLines)
            {
                tail.RemoveFirst();
            }

            foreach (var (match, seen) in waiters)
            {
                if (match(line))
                {
                    (matched ??= []).Add(seen);
                }
            }
        }

        matched?.ForEach(s => s.TrySetResult());
    }
}
