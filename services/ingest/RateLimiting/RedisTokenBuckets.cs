using System.Globalization;
using StackExchange.Redis;

namespace LogDapr.Ingest.RateLimiting;

/// <summary>
/// The shared buckets: one atomic Lua script per request, timed by the Redis server's clock so replicas with
/// skewed clocks still share one limit. Mirrors <see cref="TokenBucket"/>.
/// </summary>
public sealed class RedisTokenBuckets(IConnectionMultiplexer redis)
{
    private const string KeyPrefix = "logdapr:ratelimit:";

    private static readonly LuaScript Script = LuaScript.Prepare("""
        local rate = tonumber(@rate)
        local burst = tonumber(@burst)
        local cost = tonumber(@cost)
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local state = redis.call('HMGET', @key, 'tokens', 'ts')
        local tokens = tonumber(state[1])
        local ts = tonumber(state[2])
        if tokens == nil or ts == nil then
          tokens = burst
          ts = now
        end
        tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000000)
        local allowed = 0
        local wait = 0
        if tokens >= cost then
          tokens = tokens - cost
          allowed = 1
        elseif cost <= burst then
          wait = math.ceil((cost - tokens) * 1000000 / rate)
        else
          wait = -1
        end
        redis.call('HSET', @key, 'tokens', tostring(tokens), 'ts', tostring(now))
        redis.call('PEXPIRE', @key, math.ceil(burst / rate * 1000) + 1000)
        return { allowed, tostring(tokens), wait }
        """);

    public async Task<RateLimitDecision> TakeAsync(string client, int cost, double rate, int burst)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, new
        {
            key = (RedisKey)(KeyPrefix + client),
            rate = rate.ToString("R", CultureInfo.InvariantCulture),
            burst,
            cost,
        }).ConfigureAwait(false))!;

        var allowed = (int)result[0] == 1;
        var tokens = double.Parse((string)result[1]!, CultureInfo.InvariantCulture);
        var waitMicroseconds = (long)result[2];
        var retryAfter = waitMicroseconds < 0 ? TimeSpan.MaxValue : TimeSpan.FromMicroseconds(waitMicroseconds);
        return new RateLimitDecision(allowed, burst, tokens, retryAfter, TokenBucket.ResetAfter(tokens, rate, burst), Degraded: false);
    }
}
