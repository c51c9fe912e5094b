using LogDapr.LocalStack.Processes;

namespace LogDapr.Bench.Harness;

/// <summary>
/// Samples the resident memory of named processes every 250 ms while a scenario runs and keeps each one's maximum:
/// the RSS under load, which VmHWM alone cannot give per scenario.
/// </summary>
public sealed class RssSampler : IAsyncDisposable
{
    private readonly Func<IReadOnlyDictionary<string, int?>> processes;
    private readonly Dictionary<string, long> peaks = [];
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;

    public RssSampler(Func<IReadOnlyDictionary<string, int?>> processes)
    {
        this.processes = processes;
        loop = Task.Run(() => RunAsync(stop.Token));
    }

    /// <summary>Stops sampling; returns each process's largest RSS in bytes.</summary>
    public async Task<IReadOnlyDictionary<string, long>> StopAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        Sample();
        lock (peaks)
        {
            return new Dictionary<string, long>(peaks);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Sample();
            try
            {
                await Task.Delay(250, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Sample()
    {
        foreach (var (name, pid) in processes())
        {
            if (pid is { } id && ProcessMemory.Read(id) is { } memory)
            {
                lock (peaks)
                {
                    peaks[name] = Math.Max(peaks.GetValueOrDefault(name), memory.RssBytes);
                }
            }
        }
    }
}
