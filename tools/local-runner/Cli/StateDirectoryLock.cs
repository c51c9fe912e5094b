namespace LogDapr.LocalRunner.Cli;

/// <summary>
/// One runner per state directory. The lock is an exclusive file lock held while the runner lives and released
/// by the kernel when it dies however it dies, so a Postgres found running in an unlocked directory was left by a
/// runner that crashed, and may be stopped (see PostgresServer.StartAsync).
/// </summary>
internal static class StateDirectoryLock
{
    public static IDisposable Acquire(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, "runner.lock");
        try
        {
            // FileShare.None takes an advisory flock on Unix: a second runner on the same directory fails here.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new InvalidOperationException(
                $"Another local runner is using {stateDirectory} ({ex.Message}). Stop it first, or pass --state-dir to use another directory.", ex);
        }
    }
}
