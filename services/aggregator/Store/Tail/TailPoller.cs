using System.Threading.Channels;
using LogDapr.Aggregator.Store.Search;
using LogDapr.Configuration.Store;

namespace LogDapr.Aggregator.Store.Tail;

/// <summary>
/// Reads one tail's new rows into its channel every Store:Tail:PollInterval. stored_at is taken at insert, not at
/// commit, so a row can appear after rows stored later: each poll re-reads from Overlap before the newest stored_at
/// seen and skips what it sent (<see cref="SeenKeys"/>). Polling the table (not LISTEN/NOTIFY) works the same on
/// every replica, whichever wrote the rows.
/// </summary>
public sealed partial class TailPoller(LogEventsReader reader, StoreTailOptions options, ILogger logger)
{
    /// <summary>Pages one poll reads at most: a tail of a firehose falls behind and drops rather than reads without end.</summary>
    private const int MaxPagesPerPoll = 10;

    /// <summary>Polls until cancelled; completes the channel when it stops, so the stream ends when reading cannot go on.</summary>
    public async Task RunAsync(LogFilter filter, ChannelWriter<StoredEvent> events, CancellationToken cancellationToken)
    {
        try
        {
            await PollUntilCancelledAsync(filter, events, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            events.TryComplete();
        }
    }

    private async Task PollUntilCancelledAsync(LogFilter filter, ChannelWriter<StoredEvent> events, CancellationToken cancellationToken)
    {
        var seen = new SeenKeys(options.MaxRemembered);
        var newest = await reader.NowAsync(cancellationToken).ConfigureAwait(false);
        using var timer = new PeriodicTimer(options.PollInterval);
        do
        {
            try
            {
                newest = await PollAsync(filter, events, seen, newest, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or QueryTimedOutException or TimeoutException && !cancellationToken.IsCancellationRequested)
            {
                // The stream stays open: the next poll tries again, the client sees heartbeats meanwhile.
                PollFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task<DateTimeOffset> PollAsync(LogFilter filter, ChannelWriter<StoredEvent> events, SeenKeys seen, DateTimeOffset newest, CancellationToken cancellationToken)
    {
        var since = newest - options.Overlap;
        var sinceId = "";
        var now = DateTimeOffset.UtcNow;
        for (var page = 0; page < MaxPagesPerPoll; page++)
        {
            var rows = await reader.ReadAsync(LogEventsSql.StoredSince(reader.Schema, filter, since, sinceId, now, options.BatchSize), cancellationToken).ConfigureAwait(false);
            foreach (var (stored, storedAt, day) in rows)
            {
                if (seen.Add($"{day:yyyyMMdd}/{stored.Id}", storedAt))
                {
                    // A full channel drops its oldest item (and counts it): the poller never waits for the client.
                    events.TryWrite(stored);
                }

                newest = storedAt > newest ? storedAt : newest;
            }

            if (rows.Count < options.BatchSize)
            {
                break;
            }

            (since, sinceId) = (rows[^1].StoredAt, rows[^1].Event.Id);
        }

        seen.ForgetBefore(newest - options.Overlap);
        return newest;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A live tail's read failed; retrying at the next poll: {Error}")]
    private static partial void PollFailed(ILogger logger, string error);
}
