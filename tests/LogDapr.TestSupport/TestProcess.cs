using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace LogDapr.TestSupport;

/// <summary>
/// A program under test as a real child process: a built .NET app (<see cref="StartDotnet"/>) or any binary. Every
/// output line is kept (tests assert on logs), readiness is awaited on a printed line or an HTTP answer, SIGTERM
/// stops it the way Kubernetes does, and SIGKILL of its whole tree simulates a crash — and runs on dispose, so no
/// test leaves a process behind.
/// </summary>
public sealed class TestProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly List<(Regex Pattern, TaskCompletionSource<Match> Seen)> waiters = [];
    private readonly TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TestProcess(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            // Null removes a variable the test process has, so the child cannot see it.
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => exited.TrySetResult();
    }

    public int Id => process.Id;

    public bool HasExited => process.HasExited;

    public int ExitCode => process.ExitCode;

    /// <summary>Everything printed so far, standard output and error interleaved as they arrived.</summary>
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

    /// <summary>Starts <paramref name="fileName"/>; a null value in <paramref name="environment"/> removes that variable.</summary>
    public static TestProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var started = new TestProcess(fileName, arguments, environment);
        started.process.Start();
        started.process.BeginOutputReadLine();
        started.process.BeginErrorReadLine();
        return started;
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> as a shell in a terminal starts a foreground job: in its own session and
    /// process group (so <see cref="SignalGroupAsync"/> reaches it and its children as Ctrl+C would), with SIGINT
    /// and SIGQUIT at their defaults (a test host started in the background may ignore them, and a child would
    /// inherit that).
    /// </summary>
    public static TestProcess StartInOwnSession(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        Start("setsid", ["env", "--default-signal=INT,QUIT", fileName, .. arguments], environment);

    /// <summary>Runs a built .NET app from its dll, as `dotnet app.dll ...`.</summary>
    public static TestProcess StartDotnet(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        Start("dotnet", [dll, .. arguments], environment);

    /// <summary>
    /// Waits for an output line (already printed or to come) matching <paramref name="pattern"/> and returns its
    /// match; fails at once, with the output, if the process exits first.
    /// </summary>
    public async Task<Match> WaitForLineAsync(Regex pattern, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (output)
        {
            foreach (var line in output.ToString().Split(Environment.NewLine))
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    return match;
                }
            }

            waiters.Add((pattern, seen));
        }

        try
        {
            var first = await Task.WhenAny(seen.Task, exited.Task).WaitAsync(timeout).ConfigureAwait(false);
            if (first == seen.Task)
            {
                return await seen.Task.ConfigureAwait(false);
            }

            // The exit can overtake the last lines' callbacks; WaitForExit drains them.
            await process.WaitForExitAsync().ConfigureAwait(false);
            return seen.Task.IsCompleted
                ? await seen.Task.ConfigureAwait(false)
                : throw new InvalidOperationException($"{process.StartInfo.FileName} exited ({process.ExitCode.ToString(CultureInfo.InvariantCulture)}) before printing a line matching {pattern}:\n{Output}");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no line matching {pattern} within {timeout}:\n{Output}");
        }
        finally
        {
            lock (output)
            {
                waiters.RemoveAll(w => w.Seen == seen);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (e.g. INT, KILL) to the process group of a process started with
    /// <see cref="StartInOwnSession"/>: setsid made it the group leader, so the group id is its pid.
    /// </summary>
    public async Task SignalGroupAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal, "--", "-" + process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().ConfigureAwait(false);
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -s {signal} of process group {process.Id.ToString(CultureInfo.InvariantCulture)} failed ({kill.ExitCode.ToString(CultureInfo.InvariantCulture)})");
        }
    }

    /// <summary>Whether the process exits within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>SIGKILL to the whole tree: no shutdown code runs, as when a node dies.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGTERM, as Kubernetes or a runner stops it; waits for the exit and returns its code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        await process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        List<(TaskCompletionSource<Match> Seen, Match Match)>? matched = null;
        lock (output)
        {
            output.AppendLine(line);
            foreach (var (pattern, seen) in waiters)
            {
                if (pattern.Match(line) is { Success: true } match)
                {
                    (matched ??= []).Add((seen, match));
                }
            }
        }

        matched?.ForEach(m => m.Seen.TrySetResult(m.Match));
    }
}
