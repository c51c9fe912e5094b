using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using LogDapr.DevSidecar.Runtime;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>
/// One API pair per app id, and component scopes enforced per app id as daprd enforces them (a component outside the
/// app's scopes is not loaded, so the call gets the building block's "not found" / "not configured" error).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ScopeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Aggregator = "logdapr-aggregator";
    private const string Ingest = "logdapr-ingest";
    private const string Publisher = "logdapr-publisher";
    private const string Stranger = "some-other-app";
    private readonly TempDir dir = new();
    private readonly string secretVariable = "DS_SCOPE_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
    private TestSidecar sidecar = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(secretVariable, "s3cret-value");
        dir.Write("res/components.yaml", string.Join("\n---\n",
            Yaml.PubSubComponent() + $"\nscopes:\n  - {Ingest}\n  - {Aggregator}\n  - {Publisher}\n",
            Yaml.StateComponent(scopes: $"scopes:\n  - {Ingest}"),
            Yaml.StateComponent("shared", "state.in-memory"),
            $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pg
            spec:
              type: bindings.postgresql
              version: v1
              metadata:
                - name: connectionString
                  value: "{postgres.PgxConnectionString}"
            scopes:
              - {Aggregator}
            """,
            $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: env
            spec:
              type: secretstores.local.env
              version: v1
              metadata: []
            scopes:
              - {Aggregator}
            """));
        sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"),
            configure: o => o with { AppId = Publisher, ClientApps = [Aggregator, Ingest, Stranger] });
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        Environment.SetEnvironmentVariable(secretVariable, null);
        dir.Dispose();
    }

    private static BindingRequest Sql(string sql)
    {
        var request = new BindingRequest("pg", "exec");
        request.Metadata["sql"] = sql;
        return request;
    }

    private static async Task<RpcException> RpcFailure(Func<Task> call)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(call);
        return Assert.IsType<RpcException>(ex.InnerException ?? ex);
    }

    [Fact]
    public async Task Only_the_aggregator_can_run_sql_through_the_postgres_binding()
    {
        using var aggregator = sidecar.ClientFor(Aggregator);
        var ok = await aggregator.InvokeBindingAsync(Sql("SELECT 1"));
        Assert.Equal("exec", ok.Metadata["operation"]);

        using var ingest = sidecar.ClientFor(Ingest);
        var refused = await RpcFailure(() => ingest.InvokeBindingAsync(Sql("SELECT 1")));
        Assert.Equal(StatusCode.Internal, refused.StatusCode);
        Assert.Equal("error invoking output binding pg: couldn't find output binding pg", refused.Status.Detail);

        // The publisher's port (3500 in the local stack), as curl would use it.
        using var http = await sidecar.Http.PostAsync("/v1.0/bindings/pg",
            new StringContent("""{"operation":"exec","metadata":{"sql":"DROP TABLE IF EXISTS x"}}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.InternalServerError, http.StatusCode);
        var body = JsonNode.Parse(await http.Content.ReadAsStringAsync())!;
        Assert.Equal("ERR_INVOKE_OUTPUT_BINDING", (string?)body["errorCode"]);
        Assert.Equal("error invoking output binding pg: couldn't find output binding pg", (string?)body["message"]);
    }

    [Fact]
    public async Task Pubsub_state_and_secrets_exist_only_for_the_apps_in_their_scopes()
    {
        await sidecar.Client.PublishEventAsync(Yaml.PubSub, "events", new { from = "publisher" });
        using var stranger = sidecar.ClientFor(Stranger);
        var notFound = await RpcFailure(() => stranger.PublishEventAsync(Yaml.PubSub, "events", new { from = "stranger" }));
        Assert.Equal(StatusCode.InvalidArgument, notFound.StatusCode);
        Assert.Equal("pubsub pubsub is not found", notFound.Status.Detail);

        using var ingest = sidecar.ClientFor(Ingest);
        await ingest.SaveStateAsync(Yaml.Store, "k", "v");
        using var aggregator = sidecar.ClientFor(Aggregator);
        var noStore = await RpcFailure(() => aggregator.SaveStateAsync(Yaml.Store, "k", "v"));
        Assert.Equal(StatusCode.InvalidArgument, noStore.StatusCode);
        Assert.Equal("state store statestore is not found", noStore.Status.Detail);

        var secret = await aggregator.GetSecretAsync("env", secretVariable);
        Assert.Equal("s3cret-value", secret[secretVariable]);
        using var publisherSecret = await sidecar.Http.GetAsync($"/v1.0/secrets/env/{secretVariable}");
        Assert.Equal(HttpStatusCode.InternalServerError, publisherSecret.StatusCode);
        Assert.Equal("ERR_SECRET_STORES_NOT_CONFIGURED", (string?)JsonNode.Parse(await publisherSecret.Content.ReadAsStringAsync())!["errorCode"]);
    }

    [Fact]
    public async Task Each_app_sees_its_own_metadata_and_its_own_keys_in_a_shared_store()
    {
        using var ingestHttp = sidecar.HttpFor(Ingest);
        var metadata = (await ingestHttp.GetFromJsonAsync<JsonObject>("/v1.0/metadata"))!;
        Assert.Equal(Ingest, (string?)metadata["id"]);
        Assert.Equal(["pubsub", "shared", "statestore"], metadata["components"]!.AsArray().Select(c => (string)c!["name"]!).Order());

        using var ingest = sidecar.ClientFor(Ingest);
        using var aggregator = sidecar.ClientFor(Aggregator);
        await ingest.SaveStateAsync("shared", "same-key", "ingest's");
        await aggregator.SaveStateAsync("shared", "same-key", "aggregator's");
        Assert.Equal("ingest's", await ingest.GetStateAsync<string>("shared", "same-key"));
        Assert.Equal("aggregator's", await aggregator.GetStateAsync<string>("shared", "same-key"));
    }
}
