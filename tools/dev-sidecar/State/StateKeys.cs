using LogDapr.DevSidecar.Errors;

namespace LogDapr.DevSidecar.State;

/// <summary>
/// daprd's key prefixing (v1.16.0 pkg/components/state/state_config.go): component metadata <c>keyPrefix</c> is
/// <c>appid</c> (default: "&lt;appId&gt;||key"), <c>name</c> ("&lt;store&gt;||key"), <c>namespace</c>
/// ("&lt;NAMESPACE&gt;.&lt;appId&gt;||key", app id alone without NAMESPACE), <c>none</c>, or any other text used as the
/// prefix. Keys containing "||" are refused. Apps sharing a store therefore never see each other's keys by default.
/// </summary>
public sealed class StateKeys(string storeName, string strategy, Func<string, string?>? environment = null)
{
    private const string Separator = "||";
    private readonly Func<string, string?> environment = environment ?? Environment.GetEnvironmentVariable;

    public static StateKeys FromMetadata(string storeName, IReadOnlyDictionary<string, string> metadata)
    {
        var strategy = metadata.FirstOrDefault(kv => string.Equals(kv.Key, "keyPrefix", StringComparison.OrdinalIgnoreCase)).Value;
        return new StateKeys(storeName, string.IsNullOrEmpty(strategy) ? "appid" : strategy.ToLowerInvariant());
    }

    public string Strategy { get; } = strategy;

    public string Modify(string key, string appId)
    {
        if (key.Contains(Separator, StringComparison.Ordinal))
        {
            throw DaprApiException.StateKeyIllegal(storeName, key);
        }

        return Strategy switch
        {
            "none" => key,
            "name" => storeName + Separator + key,
            "appid" => appId.Length == 0 ? key : appId + Separator + key,
            "namespace" when appId.Length == 0 => key,
            "namespace" => this.environment("NAMESPACE") is { Length: > 0 } ns ? $"{ns}.{appId}{Separator}{key}" : appId + Separator + key,
            _ => Strategy + Separator + key,
        };
    }
}
