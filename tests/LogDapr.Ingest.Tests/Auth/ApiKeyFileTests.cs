using LogDapr.Configuration;
using LogDapr.Configuration.Auth;
using LogDapr.Configuration.Ingest;
using LogDapr.Ingest.Tests.Support;
using LogDapr.ServiceDefaults.Auth;
using Microsoft.Extensions.Logging;

namespace LogDapr.Ingest.Tests.Auth;

public class ApiKeyFileTests
{
    private static readonly string Hash = new('a', 64);

    [Fact]
    public void Tenant_files_bind_keys_to_the_tenant_with_write_and_read_by_default()
    {
        var entries = ApiKeyFile.Parse("acme", $"# acme's keys\n\nsha256:{Hash}\nsha256:{new string('b', 64)} roles=read id=dashboards\n", out var errors);

        Assert.Empty(errors);
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal("acme", e.Tenant));
        Assert.Equal(ApiKeyRoles.Write | ApiKeyRoles.Read, entries[0].Roles);
        Assert.Equal(ApiKeyRoles.Read, entries[1].Roles);
        Assert.Equal("dashboards", entries[1].Id);
        Assert.StartsWith("k:", entries[0].Id, StringComparison.Ordinal);
    }

    [Fact]
    public void Admin_keys_are_not_bound_to_a_tenant()
    {
        var entry = Assert.Single(ApiKeyFile.Parse(ApiKeyFile.AdminFileName, $"sha256:{Hash}", out _));

        Assert.Null(entry.Tenant);
        Assert.True(entry.Roles.HasFlag(ApiKeyRoles.Admin));
    }

    [Theory]
    [InlineData("ldk_plainkey", "hash of the key")]
    [InlineData("sha256:abc", "64 hex")]
    [InlineData("sha256:zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", "hexadecimal")]
    [InlineData("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa roles=superuser", "unknown role")]
    [InlineData("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa roles=admin", "only valid in the _admin file")]
    [InlineData("sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa colour=blue", "unknown option")]
    public void Bad_lines_are_reported_with_file_and_line_and_skipped(string line, string message)
    {
        var entries = ApiKeyFile.Parse("acme", $"sha256:{Hash}\n{line}\n", out var errors);

        Assert.Single(entries);
        var error = Assert.Single(errors);
        Assert.StartsWith("acme:2:", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_key_with_an_id_already_used_in_the_file_is_ignored_and_reported()
    {
        var entries = ApiKeyFile.Parse("acme", $"sha256:{Hash} id=ci\nsha256:{new string('b', 64)} id=ci\nsha256:{new string('c', 64)} id=deploy\n", out var errors);

        Assert.Equal(["ci", "deploy"], entries.Select(e => e.Id));
        Assert.Equal(Convert.FromHexString(Hash), entries[0].Hash);
        var error = Assert.Single(errors);
        Assert.StartsWith("acme:2:", error, StringComparison.Ordinal);
        Assert.Contains("id 'ci' is already used", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_id_in_two_tenants_names_two_identities()
    {
        var acme = Assert.Single(ApiKeyFile.Parse("acme", $"sha256:{Hash} id=ci", out _));
        var globex = Assert.Single(ApiKeyFile.Parse("globex", $"sha256:{new string('b', 64)} id=ci", out _));

        Assert.NotEqual(new ApiKeyPrincipal(acme.Id, acme.Tenant, acme.Roles).Identity, new ApiKeyPrincipal(globex.Id, globex.Tenant, globex.Roles).Identity);
    }

    [Fact]
    public void A_key_listed_under_two_tenants_stays_bound_to_the_first_and_the_duplicate_is_reported()
    {
        using var directory = new KeyDirectory();
        var key = ApiKeys.Generate();
        File.WriteAllText(Path.Combine(directory.Path, "acme"), ApiKeys.FileLine(key, "a") + "\n");
        File.WriteAllText(Path.Combine(directory.Path, "globex"), ApiKeys.FileLine(key, "g") + "\n");
        var logs = new LogCapture();
        var store = new ApiKeyStore(Microsoft.Extensions.Options.Options.Create(new AuthOptions { KeysPath = directory.Path }), TimeProvider.System,
            new LoggerFactory([logs]).CreateLogger<ApiKeyStore>());

        store.Reload();

        Assert.True(store.TryAuthenticate(key, out var principal));
        Assert.Equal("acme", principal.Tenant);
        Assert.Contains(logs.Entries, e => e.Contains("Warning", StringComparison.Ordinal) && e.Contains("globex", StringComparison.Ordinal));
        Assert.DoesNotContain(key, logs.All, StringComparison.Ordinal);
    }

    [Fact]
    public void The_operator_sets_exactly_the_keys_the_services_bind()
    {
        Assert.Equal($"{AuthOptions.Section}:{nameof(AuthOptions.Enabled)}", EdgeConfigKeys.AuthEnabled);
        Assert.Equal($"{AuthOptions.Section}:{nameof(AuthOptions.KeysPath)}", EdgeConfigKeys.AuthKeysPath);
        Assert.Equal($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.EventsPerSecond)}", EdgeConfigKeys.RateLimitEventsPerSecond);
        Assert.Equal($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.Burst)}", EdgeConfigKeys.RateLimitBurst);
        Assert.Equal($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.Enabled)}", EdgeConfigKeys.RateLimitEnabled);
        Assert.Equal($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.RedisConnectionString)}", EdgeConfigKeys.RateLimitRedisConnectionString);
        Assert.Equal($"{RateLimitOptions.Section}:{nameof(RateLimitOptions.LocalFallbackShare)}", EdgeConfigKeys.RateLimitLocalFallbackShare);
        Assert.Equal($"Ingest:{nameof(IdempotencyOptions.IdempotencyKeyTtl)}", EdgeConfigKeys.IdempotencyKeyTtl);
    }

    [Fact]
    public void Auth_on_without_a_key_directory_does_not_start()
    {
        using var factory = IngestFactory.SidecarDown(new Dictionary<string, string> { ["Auth:Enabled"] = "true" });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Auth:KeysPath", error.ToString(), StringComparison.Ordinal);
    }
}
