namespace LogDapr.Operator.Secrets;

/// <summary>
/// With spec.ingest.rateLimit.tls, the rate-limit Redis connection string (StackExchange.Redis syntax: endpoints and
/// options separated by commas) must turn TLS on, or ingest refuses to start with the CA set (and would otherwise
/// talk plain text). Pure; messages never quote the value.
/// </summary>
public static class RedisTlsConnectionCheck
{
    /// <summary>What is wrong, phrased to follow "the Redis connection string "; null when it says ssl=true.</summary>
    public static string? Problem(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        // The last ssl= wins, as StackExchange.Redis reads options in order.
        var ssl = connectionString.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(option => option.Split('=', 2, StringSplitOptions.TrimEntries))
            .Where(pair => pair.Length == 2 && pair[0].Equals("ssl", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1])
            .LastOrDefault();
        return ssl is not null && ssl.Equals("true", StringComparison.OrdinalIgnoreCase)
            ? null
            : "does not say ssl=true, which spec.ingest.rateLimit.tls needs: without it ingest talks plain text to Redis (and refuses to start with the CA set). "
                + "Add ssl=true to the string (and sslHost=<name in the server's certificate> when it names the server by address).";
    }
}
