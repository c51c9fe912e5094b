using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using LogDapr.Contracts.Events;

namespace LogDapr.ServiceDefaults.Auth;

/// <summary>
/// Maps a trusted client certificate to the caller an API key would be, so every endpoint's tenant scoping and roles
/// apply unchanged. The rule (README "TLS"):
/// <list type="bullet">
/// <item>a SAN URI <c>logdapr://role/admin</c> makes an admin (every tenant, every role), as a key in the <c>_admin</c>
/// file; it cannot also name a tenant;</item>
/// <item>otherwise the tenant is the SAN URI <c>logdapr://tenant/&lt;tenant-id&gt;</c>, or, without one, the subject's
/// single O= (organization); no tenant, two tenants or an invalid tenant id is refused;</item>
/// <item>roles: SAN URIs <c>logdapr://role/write</c> and <c>logdapr://role/read</c>, as a key's <c>roles=</c>;
/// without any, write and read, as a tenant key's default.</item>
/// </list>
/// The caller's key id is <c>cert:</c> and the certificate's subject, so logs, rate limits and the audit trail name
/// the certificate.
/// </summary>
public static class ClientCertificatePrincipal
{
    public const string KeyIdPrefix = "cert:";
    public const string TenantUriPrefix = "logdapr://tenant/";
    public const string RoleUriPrefix = "logdapr://role/";
    private const string OrganizationOid = "2.5.4.10";
    private const int MaxTenantIdLength = 1024;

    public static bool TryMap(X509Certificate2 certificate, out ApiKeyPrincipal principal, out string problem)
    {
        principal = null!;
        var tenants = new List<string>();
        var roles = ApiKeyRoles.None;
        foreach (var uri in Uris(certificate))
        {
            if (uri.StartsWith(TenantUriPrefix, StringComparison.OrdinalIgnoreCase))
            {
                tenants.Add(Uri.UnescapeDataString(uri[TenantUriPrefix.Length..]));
            }
            else if (uri.StartsWith(RoleUriPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var role = uri[RoleUriPrefix.Length..];
                if (!Enum.TryParse<ApiKeyRoles>(role, ignoreCase: true, out var parsed) || parsed == ApiKeyRoles.None || !Enum.IsDefined(parsed))
                {
                    problem = $"unknown role URI '{uri}' (logdapr://role/write, read or admin)";
                    return false;
                }

                roles |= parsed;
            }
        }

        var keyId = KeyIdPrefix + certificate.Subject;
        if (roles.HasFlag(ApiKeyRoles.Admin))
        {
            if (tenants.Count > 0)
            {
                problem = "an admin certificate (logdapr://role/admin) cannot also name a tenant; admins are not bound to one";
                return false;
            }

            principal = new ApiKeyPrincipal(keyId, null, ApiKeyRoles.Admin | ApiKeyRoles.Read | ApiKeyRoles.Write);
            problem = "";
            return true;
        }

        if (tenants.Count == 0)
        {
            tenants.AddRange(Organizations(certificate));
        }

        if (tenants.Count != 1)
        {
            problem = tenants.Count == 0
                ? "the certificate names no tenant (a SAN URI logdapr://tenant/<id>, or the subject's O=)"
                : "the certificate names more than one tenant";
            return false;
        }

        if (TenantIds.Problem(tenants[0], MaxTenantIdLength) is { } invalid)
        {
            problem = $"the certificate's tenant is not a valid tenant id: {invalid}";
            return false;
        }

        principal = new ApiKeyPrincipal(keyId, tenants[0], roles == ApiKeyRoles.None ? ApiKeyRoles.Write | ApiKeyRoles.Read : roles);
        problem = "";
        return true;
    }

    private static IEnumerable<string> Uris(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                foreach (var uri in EnumerateUris(san))
                {
                    yield return uri;
                }
            }
        }
    }

    // .NET reads DNS names and addresses from a SAN but not URIs: GeneralName uniformResourceIdentifier is [6] IA5String
    // (RFC 5280 4.2.1.6). A SAN that does not decode gives no URI, so such a certificate maps from its subject only.
    private static List<string> EnumerateUris(X509SubjectAlternativeNameExtension san)
    {
        var uri = new Asn1Tag(TagClass.ContextSpecific, 6);
        var uris = new List<string>();
        try
        {
            var names = new AsnReader(san.RawData, AsnEncodingRules.DER).ReadSequence();
            while (names.HasData)
            {
                if (names.PeekTag() == uri)
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uri));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            return [];
        }

        return uris;
    }

    private static IEnumerable<string> Organizations(X509Certificate2 certificate)
        => certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == OrganizationOid)
            .Select(rdn => rdn.GetSingleElementValue() ?? "");
}
