namespace LogDapr.TestSupport;

/// <summary>
/// A directory a test writes to (a Postgres cluster, a sidecar journal, keys, logs) under the machine's temp
/// directory. Tests remove it when they are done: a test run leaves gigabytes otherwise, and a CI machine that
/// runs many of them fills its disk. Set LOGDAPR_KEEP_TEST_DIRS=1 to keep them for a post-mortem; a failing test
/// already prints the logs it needs (the pipelines' diagnostics), so the default is to remove.
/// </summary>
public static class ScratchDirectory
{
    public const string KeepVariable = "LOGDAPR_KEEP_TEST_DIRS";

    /// <summary>A fresh path <c>$TMP/&lt;area&gt;/&lt;name&gt;-&lt;random&gt;</c>; not created.</summary>
    public static string NewPath(string area, string name) =>
        Path.Combine(Path.GetTempPath(), area, $"{name}-{Guid.NewGuid().ToString("N")[..12]}");

    public static bool Keep => Environment.GetEnvironmentVariable(KeepVariable) is "1" or "true";

    /// <summary>Removes the directory and everything in it, unless asked to keep it. A file still held open by a
    /// process that has not exited yet only means the directory outlives the test; it never fails one.</summary>
    public static void Remove(string? path)
    {
        if (path is null || Keep || !Directory.Exists(path))
        {
            return;
        }

        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Could not remove the test directory {path}: {ex.Message}");
        }
    }

    private static readonly System.Collections.Concurrent.ConcurrentBag<string> UntilExit = CreateExitCleanup();

    /// <summary>
    /// Creates <c>$TMP/logdapr-tests/&lt;name&gt;-&lt;random&gt;</c> and removes it when the test process exits: for
    /// directories held by helpers with no natural end (rigs, bindings, sidecars a fixture owns).
    /// </summary>
    public static string CreateUntilExit(string name)
    {
        var path = NewPath("logdapr-tests", name);
        Directory.CreateDirectory(path);
        UntilExit.Add(path);
        return path;
    }

    private static System.Collections.Concurrent.ConcurrentBag<string> CreateExitCleanup()
    {
        var paths = new System.Collections.Concurrent.ConcurrentBag<string>();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var path in paths)
            {
                Remove(path);
            }
        };
        return paths;
    }

    /// <summary>Removes the directory when disposed: <c>using var cleanup = new ScratchDirectory.Lease(path);</c>.</summary>
    public sealed class Lease(string path) : IDisposable
    {
        public void Dispose() => Remove(path);
    }
}
