using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using LogDapr.Configuration.Auth;
using LogDapr.ServiceDefaults.Problems;
using LogDapr.ServiceDefaults.Tls;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogDapr.ServiceDefaults.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>, <c>X-API-Key: &lt;key&gt;</c> or
/// <c>Authorization: Basic base64(user:key)</c>. Missing, unknown, revoked and malformed keys get the same 401, which
/// says nothing about whether a tenant exists. The key never reaches a log.
/// </summary>
/// <remarks>
/// Basic is there because many shippers only speak Basic (Fluent Bit's <c>http_user</c>/<c>http_passwd</c>, Promtail's
/// <c>basic_auth</c>). The password is the API key; the user part is ignored, because those shippers insist on some
/// user and Grafana-style configurations already put the tenant id there, and the key alone names its tenant.
/// A client certificate (mTLS, Tls:ClientCertificates) authenticates a request that presents no key, mapped by
/// <see cref="ClientCertificatePrincipal"/>.
/// </remarks>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    ApiKeyStore store,
    ClientCertificateTrust clientCertificates,
    IOptions<AuthOptions> auth) : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggerFactory, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-API-Key";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!auth.Value.Enabled)
        {
            return Task.FromResult(Success(ApiKeyPrincipal.AuthDisabled));
        }

        var key = PresentedKey(Request);
        if (key is null)
        {
            return Task.FromResult(ClientCertificate());
        }

        if (key.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("invalid API key"));
        }

        return Task.FromResult(store.TryAuthenticate(key, out var principal)
            ? Success(principal)
            : AuthenticateResult.Fail("invalid API key"));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, ProblemTypes.Unauthorized, "Unauthorized",
            $"A valid API key is required (Authorization: Bearer <key>, {HeaderName}: <key>, or Basic auth with the key as password).").ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "Forbidden",
            "This API key does not have the role this operation needs.").ConfigureAwait(false);
    }

    private Task WriteProblemAsync(int status, string type, string title, string detail)
        => Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail },
        }).AsTask();

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return BasicPassword(authorization.AsSpan("Basic ".Length).Trim());
        }

        var header = request.Headers[HeaderName].ToString();
        return header.Length > 0 ? header.Trim() : null;
    }

    /// <summary>The password of a Basic credential; "" (refused) when it is not base64 of <c>user:password</c>.</summary>
    private static string BasicPassword(ReadOnlySpan<char> encoded)
    {
        // A Basic credential is a header value, so the header size limit already bounds it.
        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64Chars(encoded, bytes, out var written))
        {
            return "";
        }

        string decoded;
        try
        {
            decoded = StrictUtf8.GetString(bytes, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return "";
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "" : decoded[(colon + 1)..];
    }

    /// <summary>
    /// mTLS, when no key is presented (a key, when there is one, decides: it is the more specific credential). A
    /// certificate that does not chain to Tls:ClientCaFile or maps to no tenant fails like an unknown key.
    /// </summary>
    private AuthenticateResult ClientCertificate()
    {
        if (Context.Connection.ClientCertificate is not { } certificate || !clientCertificates.Requested)
        {
            return AuthenticateResult.NoResult();
        }

        if (!clientCertificates.IsTrusted(certificate))
        {
            LogUntrustedCertificate(Logger, certificate.Subject);
            return AuthenticateResult.Fail("client certificate not trusted");
        }

        if (!ClientCertificatePrincipal.TryMap(certificate, out var principal, out var problem))
        {
            LogUnmappedCertificate(Logger, certificate.Subject, problem);
            return AuthenticateResult.Fail("client certificate names no caller");
        }

        return Success(principal);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Client certificate {Subject} does not chain to Tls:ClientCaFile; the request is not authenticated by it")]
    private static partial void LogUntrustedCertificate(ILogger logger, string subject);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Client certificate {Subject} is trusted but cannot be mapped to a caller: {Problem}")]
    private static partial void LogUnmappedCertificate(ILogger logger, string subject, string problem);

    private AuthenticateResult Success(ApiKeyPrincipal principal)
        => AuthenticateResult.Success(new AuthenticationTicket(ApiKeyClaims.ToClaimsPrincipal(principal, SchemeName), SchemeName));
}
