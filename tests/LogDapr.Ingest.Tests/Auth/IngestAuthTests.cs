using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using LogDapr.Ingest.Tests.Api;
using LogDapr.Ingest.Tests.Support;

namespace LogDapr.Ingest.Tests.Auth;

/// <summary>Who may write what: the auth matrix of POST /v1/logs, through a real sidecar.</summary>
public sealed class IngestAuthTests : IClassFixture<SidecarFixture>, IDisposable
{
    private readonly KeyDirectory keys = new();
    private readonly IngestFactory factory;
    private readonly string acme;
    private readonly string globex;
    private readonly string admin;
    private readonly string readOnly;

    private readonly (int Grpc, int Http) sidecarPorts;

    public IngestAuthTests(SidecarFixture sidecar)
    {
        sidecarPorts = (sidecar.GrpcPort, sidecar.HttpPort);
        acme = keys.Add("acme");
        globex = keys.Add("globex");
        admin = keys.Add("_admin");
        readOnly = keys.Add("acme", "roles=read");
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true",
            ["Auth:KeysPath"] = keys.Path,
            ["Auth:ReloadInterval"] = "00:00:00.100",
        });
    }

    public void Dispose()
    {
        factory.Dispose();
        keys.Dispose();
    }

    private static string Event(string tenant) => $$"""{"tenant_id":"{{tenant}}","service":"api","severity":"info","message":"hello"}""";

    private async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(string body, string? key, bool useHeader = false, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (key is not null)
        {
            if (useHeader)
            {
                request.Headers.Add("X-API-Key", key);
            }
            else
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            }
        }

        var response = await factory.CreateClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null, response);
    }

    [Fact]
    public async Task Missing_and_unknown_keys_get_the_same_401_that_reveals_nothing()
    {
        var missing = await PostAsync(Event("acme"), key: null);
        var unknown = await PostAsync(Event("acme"), key: "ldk_not-a-real-key");
        var malformed = await PostAsync(Event("acme"), key: "x");

        foreach (var (status, body, response) in new[] { missing, unknown, malformed })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("https://logdapr.io/problems/unauthorized", body!["type"]!.GetValue<string>());
            Assert.DoesNotContain("acme", body.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal(missing.Body!["detail"]!.ToJsonString(), unknown.Body!["detail"]!.ToJsonString());
    }

    [Fact]
    public async Task A_tenant_key_writes_its_own_tenant_through_either_header()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Event("acme"), acme)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Event("acme"), acme, useHeader: true)).Status);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostBasicAsync(string body, string credential)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + credential);
        using var response = await factory.CreateClient().SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private static string Basic(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    [Fact]
    public async Task Basic_auth_takes_the_key_as_password_and_ignores_the_user()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await PostBasicAsync(Event("acme"), Basic("fluent-bit", acme))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await PostBasicAsync(Event("acme"), Basic("", acme))).Status);

        // The key still decides the tenant: the user part cannot widen it.
        Assert.Equal(HttpStatusCode.Forbidden, (await PostBasicAsync(Event("globex"), Basic("globex", acme))).Status);
    }

    [Fact]
    public async Task Basic_auth_with_a_wrong_malformed_or_empty_credential_gets_the_same_401()
    {
        var (_, reference, _) = await PostAsync(Event("acme"), key: null);
        var attempts = new[]
        {
            Basic("acme", "ldk_not-a-real-key"),
            Basic(acme, ""),
            acme, // the key itself, not base64 of user:password
            "!!!not base64!!!",
            Convert.ToBase64String(Encoding.UTF8.GetBytes("no-colon-here")),
            Convert.ToBase64String([0xff, 0xfe, (byte)':', 0xc3]),
            "",
        };

        foreach (var credential in attempts)
        {
            var (status, body) = await PostBasicAsync(Event("acme"), credential);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Equal("https://logdapr.io/problems/unauthorized", body!["type"]!.GetValue<string>());
            Assert.Equal(reference!["detail"]!.ToJsonString(), body["detail"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task A_tenant_key_writing_another_tenant_is_refused_for_those_events()
    {
        var other = await PostAsync(Event("globex"), acme);
        var mixed = await PostAsync($"[{Event("acme")},{Event("globex")},{Event("acme")}]", acme);

        Assert.Equal(HttpStatusCode.Forbidden, other.Status);
        Assert.Equal("https://logdapr.io/problems/forbidden", other.Body!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, mixed.Status);
        Assert.Equal(2, mixed.Body!["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(mixed.Body["rejected"]!.AsArray());
        Assert.Equal(1, rejected!["index"]!.GetValue<int>());
        Assert.Equal("tenant_id", rejected["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_admin_key_writes_any_tenant_and_a_read_only_key_writes_none()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync($"[{Event("acme")},{Event("globex")},{Event("initech")}]", admin)).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Event("globex"), globex)).Status);

        var readOnlyWrite = await PostAsync(Event("acme"), readOnly);
        Assert.Equal(HttpStatusCode.Forbidden, readOnlyWrite.Status);
        Assert.Equal("https://logdapr.io/problems/forbidden", readOnlyWrite.Body!["type"]!.GetValue<string>());
    }

    private const string Seed004 =
        """{"level":"ERROR","message":"Payment processing failed","service":"payment-service","source_ip":"192.168.1.100"}""";

    [Fact]
    public async Task A_tenant_key_gives_its_tenant_to_events_without_tenant_id()
    {
        // The tenant check after parsing passes only because the event now carries acme, the key's tenant.
        var single = await PostAsync(Seed004, acme);
        var mixed = await PostAsync($"[{Seed004},{Event("acme")}]", acme);

        Assert.Equal(HttpStatusCode.Accepted, single.Status);
        Assert.Equal(1, single.Body!["accepted"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.Accepted, mixed.Status);
        Assert.Equal(2, mixed.Body!["accepted"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_tenant_key_that_fills_in_its_tenant_still_cannot_write_another_one_in_the_same_batch()
    {
        var mixed = await PostAsync($"[{Seed004},{Event("globex")}]", acme);

        Assert.Equal(HttpStatusCode.Accepted, mixed.Status);
        Assert.Equal(1, mixed.Body!["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(mixed.Body["rejected"]!.AsArray());
        Assert.Equal(1, rejected!["index"]!.GetValue<int>());
        Assert.Equal("tenant_id", rejected["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_admin_key_must_name_the_tenant_of_each_event()
    {
        var (status, body, _) = await PostAsync(Seed004, admin);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = body!["rejected"]![0]!["errors"]![0]!;
        Assert.Equal("tenant_id", error["field"]!.GetValue<string>());
        Assert.Equal("tenant_id is required", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_auth_on_the_default_tenant_setting_does_not_apply_to_an_admin_key()
    {
        using var withDefault = new IngestFactory(sidecarPorts.Grpc, sidecarPorts.Http, new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true",
            ["Auth:KeysPath"] = keys.Path,
            ["Ingest:DefaultTenant"] = "acme",
        });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent(Seed004, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);

        using var response = await withDefault.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_revoked_key_is_refused_without_a_restart()
    {
        var key = keys.Add("acme");
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Event("acme"), key)).Status);

        keys.Revoke("acme", key);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        HttpStatusCode status;
        do
        {
            await Task.Delay(100);
            status = (await PostAsync(Event("acme"), key)).Status;
        }
        while (status != HttpStatusCode.Unauthorized && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Event("acme"), acme)).Status);
    }

    [Fact]
    public async Task A_key_of_another_tenant_with_the_same_id_cannot_replay_a_stored_answer()
    {
        var acmeCi = keys.Add("acme", "id=ci");
        var globexCi = keys.Add("globex", "id=ci");
        await Task.Delay(300);
        var body = Event("acme");
        var idempotencyKey = Guid.NewGuid().ToString();

        var first = await PostAsync(body, acmeCi, idempotencyKey: idempotencyKey);
        var replayByOtherTenant = await PostAsync(body, globexCi, idempotencyKey: idempotencyKey);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(HttpStatusCode.Forbidden, replayByOtherTenant.Status);
        Assert.False(replayByOtherTenant.Response.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("https://logdapr.io/problems/forbidden", replayByOtherTenant.Body!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keys_never_appear_in_logs()
    {
        await PostAsync(Event("acme"), acme);
        await PostAsync(Event("globex"), acme);
        await PostAsync(Event("acme"), "ldk_wrong-key-value-123");
        await PostAsync(Event("acme"), admin, useHeader: true);

        Assert.NotEmpty(factory.Logs.Entries);
        foreach (var secret in new[] { acme, admin, "ldk_wrong-key-value-123" })
        {
            Assert.DoesNotContain(secret, factory.Logs.All, StringComparison.Ordinal);
        }
    }
}
