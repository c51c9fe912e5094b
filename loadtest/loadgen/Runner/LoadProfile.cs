using LogDapr.LoadGen.Http;

namespace LogDapr.LoadGen.Runner;

/// <summary>One open-model run: where to send, how fast, for how long, with how many requests in flight at most.</summary>
public sealed record LoadProfile
{
    /// <summary>Full URL requests are POSTed to, e.g. http://ingest:8080/v1/logs.</summary>
    public required Uri TargetUrl { get; init; }

    public required double RequestsPerSecond { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>
    /// Most requests in flight (and connections). When a request is due and this many are still in flight it is not
    /// sent: it is counted as dropped, so an overloaded server shows as drops instead of as a slower schedule.
    /// </summary>
    public int MaxInFlight { get; init; } = 64;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public ApiKeyHeader? ApiKey { get; init; }

    /// <summary>How often the cumulative accepted-event count is sampled (for the end-to-end lag estimate).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    public void Validate()
    {
        if (MaxInFlight < 1)
        {
            throw new ArgumentException("the concurrency cap must be at least 1");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("the request timeout must be positive");
        }
    }
}
