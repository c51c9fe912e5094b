using Microsoft.Extensions.Options;
using StackExchange.Redis;
using LogDapr.Configuration.Ingest;

namespace LogDapr.Ingest.RateLimiting;

/// <summary>
/// Decides whether a client's request of N events fits its limit: through Redis when it answers in time,
/// otherwise through the local buckets at a share of the limit — never failing open and never failing every
/// request. Degraded state is visible in readiness and metrics.
/// </summary>
public sealed partial class ClientRateLimiter : IHostedService, IAsyncDisposable
{
    private readonly RateLimitOptions options;
    private readonly LocalTokenBuckets local;
    private readonly TimeProvider time;
    private readonly ILogger<ClientRateLimiter> logger;
    private readonly Lazy<Task<IConnectionMultiplexer>>? redis;
    private readonly RedisTls tls;
    private long redisRetryAt;
    private volatile bool degraded;
    private volatile string? lastRedisError;

    public ClientRateLimiter(IOptions<RateLimitOptions> options, LocalTokenBuckets local, TimeProvider time, ILogger<ClientRateLimiter> logger)
    {
        this.options = options.Value;
        this.local = local;
        this.time = time;
        this.logger = logger;
        tls = new RedisTls(this.options, logger);
        if (this.options.Enabled)
        {
            redis = new Lazy<Task<IConnectionMultiplexer>>(ConnectAsync);
        }
    }

    public bool Enabled => options.Enabled;

    private TimeSpan ConnectTimeout => TimeSpan.FromMilliseconds(Math.Clamp(options.RedisTimeout.TotalMilliseconds * 10, 1000, 5000));

    /// <summary>True while decisions come from the local fallback.</summary>
    public bool Degraded => degraded;

    public string? LastRedisError => lastRedisError;

    public async Task<RateLimitDecision> TakeAsync(string client, int cost)
    {
        if (!options.Enabled)
        {
            return RateLimitDecision.Unlimited;
        }

        if (time.GetTimestamp() >= Interlocked.Read(ref redisRetryAt))
        {
            try
            {
                var connection = await redis!.Value.WaitAsync(options.RedisTimeout, time).ConfigureAwait(false);
                var decision = await new RedisTokenBuckets(connection).TakeAsync(client, cost, options.EventsPerSecond, options.Burst)
                    .WaitAsync(options.RedisTimeout, time).ConfigureAwait(false);
                if (degraded)
                {
                    degraded = false;
                    LogRecovered(logger);
                }

                return decision;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
            {
                Interlocked.Exchange(ref redisRetryAt, time.GetTimestamp() + (long)(options.RedisRetryInterval.TotalSeconds * time.TimestampFrequency));
                // A refused certificate is the reason the connection failed; the exception only says "not connected".
                var error = tls.Rejection ?? ex.Message;
                lastRedisError = error;
                if (!degraded)
                {
                    degraded = true;
                    LogDegraded(logger, options.LocalFallbackShare, error);
                }
            }
        }

        return local.Take(client, cost, options.EventsPerSecond * options.LocalFallbackShare, Math.Max(1, (int)(options.Burst * options.LocalFallbackShare)));
    }

    /// <summary>
    /// Connects before the first request, so a replica does not start out degraded just because its connection
    /// was still being made. A Redis that is down at start-up only delays start-up by the connect timeout.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (redis is not null)
        {
            var connection = await redis.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            var deadline = time.GetTimestamp() + (long)(ConnectTimeout.TotalSeconds * time.TimestampFrequency);
            while (!connection.IsConnected && time.GetTimestamp() < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), time, cancellationToken).ConfigureAwait(false);
            }

            if (!connection.IsConnected)
            {
                degraded = true;
                lastRedisError = "not connected at start-up" + (tls.Rejection is { } rejection ? ": " + rejection : "");
                LogDegraded(logger, options.LocalFallbackShare, lastRedisError);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (redis is { IsValueCreated: true })
        {
            try
            {
                var connection = await redis.Value.ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
            }
        }
    }

    private async Task<IConnectionMultiplexer> ConnectAsync()
    {
        var configuration = ConfigurationOptions.Parse(options.RedisConnectionString!);
        // Start even when Redis is down, and keep reconnecting in the background: the fallback covers the gap.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = (int)ConnectTimeout.TotalMilliseconds;
        configuration.AsyncTimeout = (int)Math.Max(options.RedisTimeout.TotalMilliseconds, 10);
        // While disconnected, fail at once instead of queueing: the local fallback answers without waiting.
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        tls.Apply(configuration);
        return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limiting degraded to per-replica buckets ({Share:P0} of each limit): Redis unavailable: {Error}")]
    private static partial void LogDegraded(ILogger logger, double share, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate limiting is shared through Redis again")]
    private static partial void LogRecovered(ILogger logger);
}
