namespace LogDapr.LoadGen.Http;

/// <summary>
/// How the API key travels: the one place that names the header. With the default, <c>Authorization</c>, the key is
/// sent as <c>Bearer &lt;key&gt;</c>; any other header name carries the bare key (e.g. <c>X-Api-Key: &lt;key&gt;</c>).
/// The k6 scripts keep the same rule in loadtest/k6/lib/config.js.
/// </summary>
public sealed record ApiKeyHeader(string Name, string Key)
{
    public const string DefaultName = "Authorization";
    public const string KeyEnvironmentVariable = "LOGDAPR_API_KEY";
    public const string HeaderEnvironmentVariable = "LOGDAPR_API_KEY_HEADER";

    public string Value => string.Equals(Name, DefaultName, StringComparison.OrdinalIgnoreCase) ? "Bearer " + Key : Key;

    /// <summary>The header from explicit values, falling back to the environment; null when no key is configured.</summary>
    public static ApiKeyHeader? Resolve(string? key, string? headerName, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        key = string.IsNullOrEmpty(key) ? environment(KeyEnvironmentVariable) : key;
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        headerName = string.IsNullOrEmpty(headerName) ? environment(HeaderEnvironmentVariable) : headerName;
        return new ApiKeyHeader(string.IsNullOrEmpty(headerName) ? DefaultName : headerName, key);
    }

    public void ApplyTo(HttpRequestMessage request) => request.Headers.TryAddWithoutValidation(Name, Value);
}
