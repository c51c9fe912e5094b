using System.Text;
using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// Who calls an Elasticsearch route: the API key the shared handler authenticated (Bearer, X-API-Key, Basic with the
/// key as password), or Elasticsearch's own <c>Authorization: ApiKey base64(id:key)</c>, which Filebeat's and
/// Logstash's <c>api_key: "id:key"</c> send: the part after the colon is the LogDapr key, the id is ignored. These
/// routes authenticate in the handler instead of by policy, so that a refusal has Elasticsearch's body and
/// challenge, which the shippers expect.
/// </summary>
internal static class ElasticsearchAuth
{
    private const string ApiKeyScheme = "ApiKey ";
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static ApiKeyPrincipal? Caller(HttpContext context, ApiKeyStore keys)
    {
        if (context.User.Identity is { IsAuthenticated: true, AuthenticationType: ApiKeyAuthenticationHandler.SchemeName })
        {
            return context.ApiKey();
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith(ApiKeyScheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var key = PresentedKey(authorization.AsSpan(ApiKeyScheme.Length).Trim());
        return key.Length > 0 && keys.TryAuthenticate(key, out var principal) ? principal : null;
    }

    /// <summary>The key of <c>base64(id:key)</c>; a value that is not base64 of that shape is taken as the key itself.</summary>
    private static string PresentedKey(ReadOnlySpan<char> encoded)
    {
        // A header value: the header size limit bounds it.
        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        if (Convert.TryFromBase64Chars(encoded, bytes, out var written))
        {
            try
            {
                var decoded = StrictUtf8.GetString(bytes, 0, written);
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon >= 0)
                {
                    return decoded[(colon + 1)..];
                }
            }
            catch (DecoderFallbackException)
            {
                // Not text: taken as the key itself below.
            }
        }

        return encoded.ToString();
    }
}
