using LogDapr.ServiceDefaults.Auth;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.Tls;

/// <summary>The documented rule that maps a trusted client certificate to a caller (README, TLS).</summary>
public sealed class ClientCertificatePrincipalTests : IDisposable
{
    private readonly TestTls tls = new();

    public void Dispose() => tls.Dispose();

    private (ApiKeyPrincipal? Principal, string Problem) Map(string subject, params string[] uris)
        => ClientCertificatePrincipal.TryMap(tls.Client(subject, uris), out var principal, out var problem) ? (principal, problem) : (null, problem);

    [Fact]
    public void A_tenant_uri_gives_that_tenant_with_a_tenant_keys_default_roles_and_the_subject_as_key_id()
    {
        var (principal, _) = Map("CN=shipper,O=Example", "logdapr://tenant/acme");

        Assert.Equal(new ApiKeyPrincipal("cert:CN=shipper, O=Example", "acme", ApiKeyRoles.Write | ApiKeyRoles.Read), principal);
        Assert.Equal("acme/cert:CN=shipper, O=Example", principal!.Identity);
    }

    [Fact]
    public void Without_a_tenant_uri_the_organization_is_the_tenant()
        => Assert.Equal("globex", Map("CN=shipper,O=globex").Principal?.Tenant);

    [Fact]
    public void Role_uris_restrict_the_roles_as_a_keys_roles_option()
        => Assert.Equal(ApiKeyRoles.Read, Map("CN=dash", "logdapr://tenant/acme", "logdapr://role/read").Principal?.Roles);

    [Fact]
    public void An_admin_uri_gives_an_admin_of_every_tenant_whatever_the_organization()
    {
        var (principal, _) = Map("CN=ops,O=acme", "logdapr://role/admin");

        Assert.Null(principal!.Tenant);
        Assert.True(principal.IsAdmin);
        Assert.Equal("_admin/cert:CN=ops, O=acme", principal.Identity);
    }

    [Theory]
    [InlineData("CN=nobody", new string[0], "names no tenant")]
    [InlineData("CN=two", new[] { "logdapr://tenant/acme", "logdapr://tenant/globex" }, "more than one tenant")]
    [InlineData("CN=bad,O=Example Corp", new string[0], "not a valid tenant id")]
    [InlineData("CN=admin", new[] { "logdapr://role/admin", "logdapr://tenant/acme" }, "cannot also name a tenant")]
    [InlineData("CN=role", new[] { "logdapr://tenant/acme", "logdapr://role/root" }, "unknown role URI")]
    public void Certificates_that_name_no_single_caller_are_refused_with_the_reason(string subject, string[] uris, string reason)
    {
        var (principal, problem) = Map(subject, uris);

        Assert.Null(principal);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
    }
}
