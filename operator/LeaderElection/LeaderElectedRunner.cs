using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.LeaderElection;

/// <summary>
/// Runs work only while holding a coordination.k8s.io Lease (k8s.LeaderElection with a LeaseLock). When the
/// lease is lost the work is cancelled and awaited before this returns, and it is not started again: like
/// controller-runtime, the process exits and Kubernetes restarts it, which is simpler to reason about than
/// re-entering leadership with state left over from the previous term.
/// </summary>
public sealed partial class LeaderElectedRunner(IKubernetes client, LeaderElectionSettings settings, ILogger<LeaderElectedRunner> logger)
{
    /// <summary>
    /// Waits for leadership, runs <paramref name="work"/> until leadership is lost or
    /// <paramref name="cancellationToken"/> fires, and returns after the work has stopped.
    /// Returns true if leadership was lost (as opposed to a requested shutdown).
    /// </summary>
    public async Task<bool> RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var leaseLock = new LeaseLock(client, settings.LeaseNamespace, settings.LeaseName, settings.Identity);
        var config = new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = settings.LeaseDuration,
            RenewDeadline = settings.RenewDeadline,
            RetryPeriod = settings.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        using var workStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? workTask = null;
        var gate = new object();

        elector.OnStartedLeading += () =>
        {
            LogStartedLeading(logger, settings.Identity, leaseLock.Describe());
            lock (gate)
            {
                workTask = Task.Run(() => work(workStop.Token), CancellationToken.None);
            }
        };
        elector.OnStoppedLeading += () =>
        {
            LogStoppedLeading(logger, settings.Identity);
            // Stop at once: from here on another replica may acquire the lease.
            workStop.Cancel();
        };
        elector.OnNewLeader += leader => LogNewLeader(logger, leader);
        elector.OnError += e => LogElectionError(logger, e);

        try
        {
            await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown requested while waiting for or holding the lease.
        }
        finally
        {
            await workStop.CancelAsync().ConfigureAwait(false);
            Task? running;
            lock (gate)
            {
                running = workTask;
            }
            if (running is not null)
            {
                try
                {
                    await running.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Expected on stop.
                }
            }
        }
        if (cancellationToken.IsCancellationRequested && workTask is not null)
        {
            await ReleaseAsync(leaseLock).ConfigureAwait(false);
        }
        return !cancellationToken.IsCancellationRequested;
    }

    /// <summary>
    /// On a requested stop, after the work has stopped, hands the Lease back as client-go's ReleaseOnCancel does (an
    /// empty holderIdentity and a one-second leaseDurationSeconds), so a standby takes over at its next retry instead
    /// of waiting out the lease duration. Only a Lease still held by this replica is touched (the update carries the
    /// resourceVersion just read), and a failure only costs the standby that wait.
    /// </summary>
    private async Task ReleaseAsync(LeaseLock leaseLock)
    {
        using var timeout = new CancellationTokenSource(settings.RenewDeadline);
        try
        {
            var record = await leaseLock.GetAsync(timeout.Token).ConfigureAwait(false);
            if (record.HolderIdentity != settings.Identity)
            {
                return;
            }
            var now = DateTime.UtcNow;
            await leaseLock.UpdateAsync(
                new LeaderElectionRecord
                {
                    HolderIdentity = "",
                    LeaseDurationSeconds = 1,
                    AcquireTime = now,
                    RenewTime = now,
                    LeaderTransitions = record.LeaderTransitions,
                },
                timeout.Token).ConfigureAwait(false);
            LogReleased(logger, settings.Identity, leaseLock.Describe());
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReleaseFailed(logger, e, leaseLock.Describe());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} released {Lease} on shutdown")]
    private static partial void LogReleased(ILogger logger, string identity, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release {Lease} on shutdown; a standby takes over when it expires")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} became leader ({Lease})")]
    private static partial void LogStartedLeading(ILogger logger, string identity, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost leadership; stopping reconciliation")]
    private static partial void LogStoppedLeading(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Current leader: {Leader}")]
    private static partial void LogNewLeader(ILogger logger, string leader);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Leader election error")]
    private static partial void LogElectionError(ILogger logger, Exception exception);
}
