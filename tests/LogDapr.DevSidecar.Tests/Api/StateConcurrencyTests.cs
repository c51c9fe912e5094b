using System.Text.Json;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>
/// Each state component type's own concurrency, TTL and transaction rules (components-contrib v1.16.0), chosen by the
/// component's type and version, observed through the real Dapr .NET SDK.
/// </summary>
public sealed class StateConcurrencyTests : IAsyncLifetime
{
    private const string Redis = "redis-store";
    private const string RedisWithTtl = "redis-ttl-store";
    private const string PgV1 = "pg1-store";
    private const string PgV2 = "pg2-store";
    private const string InMemory = "mem-store";
    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite };
    private readonly TempDir dir = new();
    private TestSidecar sidecar = null!;

    private DaprClient Dapr => this.sidecar.Client;

    public async Task InitializeAsync()
    {
        dir.Write("res/state.yaml", string.Join("\n---\n",
            Yaml.StateComponent(Redis),
            Yaml.StateComponent(RedisWithTtl, metadata: "\n    - name: ttlInSeconds\n      value: \"1\""),
            Yaml.StateComponent(PgV1, "state.postgresql", "v1"),
            Yaml.StateComponent(PgV2, "state.postgresql", "v2"),
            Yaml.StateComponent(InMemory, "state.in-memory")));
        this.sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"));
    }

    public async Task DisposeAsync()
    {
        await this.sidecar.DisposeAsync();
        dir.Dispose();
    }

    private sealed record Item(string Name, int Count);

    private static async Task<RpcException> RpcFailure(Func<Task> call)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(call);
        return Assert.IsType<RpcException>(ex.InnerException ?? ex);
    }

    private static byte[] Json(Item item) => JsonSerializer.SerializeToUtf8Bytes(item, new JsonSerializerOptions(JsonSerializerDefaults.Web));

    // ---- state.redis ----

    [Fact]
    public async Task Redis_a_first_written_key_refuses_every_later_write_without_its_etag()
    {
        await Dapr.SaveStateAsync(Redis, "claim", new Item("pending", 1), FirstWrite);

        // What ingest's completion does today: a plain save without an ETag. Real Redis refuses it (the marker).
        var refused = await RpcFailure(() => Dapr.SaveStateAsync(Redis, "claim", new Item("done", 2)));
        Assert.Equal(StatusCode.Internal, refused.StatusCode);
        Assert.StartsWith("failed saving state in state store redis-store: failed to set key dev-sidecar||claim", refused.Status.Detail);
        Assert.Equal("pending", (await Dapr.GetStateAsync<Item>(Redis, "claim")).Name);

        // Not an ETag mismatch, so TrySaveStateAsync throws too instead of answering false.
        await RpcFailure(() => Dapr.TrySaveStateAsync(Redis, "claim", new Item("done", 2), etag: ""));

        // With the claim's ETag the write succeeds (and the marker stays).
        var (_, etag) = await Dapr.GetStateAndETagAsync<Item>(Redis, "claim");
        Assert.True(await Dapr.TrySaveStateAsync(Redis, "claim", new Item("done", 2), etag));
        Assert.Equal("done", (await Dapr.GetStateAsync<Item>(Redis, "claim")).Name);
        await RpcFailure(() => Dapr.SaveStateAsync(Redis, "claim", new Item("again", 3)));
    }

    [Fact]
    public async Task Redis_a_second_first_write_claim_is_an_internal_error_not_an_etag_mismatch()
    {
        await Dapr.SaveStateAsync(Redis, "twice", new Item("first", 1), FirstWrite);
        var second = await RpcFailure(() => Dapr.SaveStateAsync(Redis, "twice", new Item("second", 2), FirstWrite));
        Assert.Equal(StatusCode.Internal, second.StatusCode);
        Assert.Equal("first", (await Dapr.GetStateAsync<Item>(Redis, "twice")).Name);
    }

    [Fact]
    public async Task Redis_first_write_succeeds_over_a_key_written_without_it()
    {
        await Dapr.SaveStateAsync(Redis, "plain", new Item("plain", 1));
        await Dapr.SaveStateAsync(Redis, "plain", new Item("claimed", 2), FirstWrite);
        Assert.Equal("claimed", (await Dapr.GetStateAsync<Item>(Redis, "plain")).Name);
    }

    [Fact]
    public async Task Redis_etags_are_versions_checked_only_on_existing_keys_and_must_be_numbers()
    {
        // An ETag on an absent key writes it (the script only compares against an existing version).
        Assert.True(await Dapr.TrySaveStateAsync(Redis, "fresh", new Item("x", 1), "41"));
        var (_, etag) = await Dapr.GetStateAndETagAsync<Item>(Redis, "fresh");
        Assert.Equal("1", etag);

        Assert.False(await Dapr.TrySaveStateAsync(Redis, "fresh", new Item("x", 2), "7"));
        var invalid = await RpcFailure(() => Dapr.TrySaveStateAsync(Redis, "fresh", new Item("x", 3), "not-a-number"));
        Assert.Equal(StatusCode.InvalidArgument, invalid.StatusCode);
        Assert.Contains("invalid etag value: strconv.Atoi: parsing \"not-a-number\": invalid syntax", invalid.Status.Detail);

        // Under LAST_WRITE the ETag is ignored.
        await Dapr.SaveStateAsync(Redis, "fresh", new Item("last", 4), new StateOptions { Concurrency = ConcurrencyMode.LastWrite });
    }

    [Fact]
    public async Task Redis_delete_without_etag_always_succeeds_and_with_a_stale_one_is_a_mismatch()
    {
        await Dapr.SaveStateAsync(Redis, "gone", new Item("x", 1), FirstWrite);
        Assert.False(await Dapr.TryDeleteStateAsync(Redis, "gone", "99"));
        await Dapr.DeleteStateAsync(Redis, "gone");
        Assert.Null(await Dapr.GetStateAsync<Item?>(Redis, "gone"));
        Assert.True(await Dapr.TryDeleteStateAsync(Redis, "never-there", "5"));
    }

    [Fact]
    public async Task Redis_transactions_are_not_atomic_the_other_operations_are_applied()
    {
        await Dapr.SaveStateAsync(Redis, "tx-existing", new Item("x", 1));
        var ops = new List<StateTransactionRequest>
        {
            new("tx-new", Json(new Item("y", 2)), StateOperationType.Upsert),
            new("tx-existing", null, StateOperationType.Delete, etag: "9"),
        };
        var failure = await RpcFailure(() => Dapr.ExecuteStateTransactionAsync(Redis, ops));
        Assert.Equal(StatusCode.Internal, failure.StatusCode);
        Assert.StartsWith("error while executing state transaction: ", failure.Status.Detail);
        Assert.Equal("y", (await Dapr.GetStateAsync<Item>(Redis, "tx-new")).Name);
        Assert.NotNull(await Dapr.GetStateAsync<Item?>(Redis, "tx-existing"));
    }

    [Fact]
    public async Task Redis_a_write_without_ttl_keeps_the_expiry_and_the_component_ttl_is_the_default()
    {
        await Dapr.SaveStateAsync(Redis, "ttl", new Item("short", 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "1" });
        await Dapr.SaveStateAsync(Redis, "ttl", new Item("rewritten", 2));
        await Eventually.TrueAsync(async () => await Dapr.GetStateAsync<Item?>(Redis, "ttl") is null, "rewritten key to expire with the first write's TTL");

        await Dapr.SaveStateAsync(RedisWithTtl, "default", new Item("x", 1));
        await Eventually.TrueAsync(async () => await Dapr.GetStateAsync<Item?>(RedisWithTtl, "default") is null, "component ttlInSeconds to expire the key");

        await Dapr.SaveStateAsync(RedisWithTtl, "kept", new Item("x", 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "-1" });
        await Task.Delay(1500);
        Assert.NotNull(await Dapr.GetStateAsync<Item?>(RedisWithTtl, "kept"));
    }

    // ---- state.postgresql ----

    [Theory]
    [InlineData(PgV1)]
    [InlineData(PgV2)]
    public async Task Postgres_first_write_fails_with_no_item_updated_but_a_plain_save_overwrites(string store)
    {
        await Dapr.SaveStateAsync(store, "claim", new Item("pending", 1), FirstWrite);
        var second = await RpcFailure(() => Dapr.SaveStateAsync(store, "claim", new Item("other", 2), FirstWrite));
        Assert.Equal(StatusCode.Internal, second.StatusCode);
        Assert.Equal($"failed saving state in state store {store}: no item was updated", second.Status.Detail);

        // Unlike Redis, a save without an ETag is an upsert.
        await Dapr.SaveStateAsync(store, "claim", new Item("done", 3));
        Assert.Equal("done", (await Dapr.GetStateAsync<Item>(store, "claim")).Name);
    }

    [Theory]
    [InlineData(PgV1)]
    [InlineData(PgV2)]
    public async Task Postgres_an_etag_write_updates_only_the_live_row_with_that_etag(string store)
    {
        Assert.False(await Dapr.TrySaveStateAsync(store, "absent", new Item("x", 1), store == PgV1 ? "123" : Guid.NewGuid().ToString()));
        await Dapr.SaveStateAsync(store, "row", new Item("a", 1));
        var (_, etag) = await Dapr.GetStateAndETagAsync<Item>(store, "row");
        Assert.True(await Dapr.TrySaveStateAsync(store, "row", new Item("b", 2), etag));
        Assert.False(await Dapr.TrySaveStateAsync(store, "row", new Item("c", 3), etag));
    }

    [Fact]
    public async Task Postgres_v1_refuses_a_non_numeric_etag_and_v2_reports_a_non_uuid_as_a_mismatch()
    {
        await Dapr.SaveStateAsync(PgV1, "k", new Item("a", 1));
        var v1 = await RpcFailure(() => Dapr.TrySaveStateAsync(PgV1, "k", new Item("b", 2), "abc"));
        Assert.Equal(StatusCode.InvalidArgument, v1.StatusCode);
        Assert.Contains("invalid etag value: strconv.ParseUint: parsing \"abc\": invalid syntax", v1.Status.Detail);

        await Dapr.SaveStateAsync(PgV2, "k", new Item("a", 1));
        Assert.False(await Dapr.TrySaveStateAsync(PgV2, "k", new Item("b", 2), "abc"));
        var (_, etag) = await Dapr.GetStateAndETagAsync<Item>(PgV2, "k");
        Assert.True(Guid.TryParse(etag, out _));
    }

    [Fact]
    public async Task Postgres_transactions_are_all_or_nothing_and_a_write_without_ttl_clears_it()
    {
        await Dapr.SaveStateAsync(PgV1, "tx1", new Item("x", 1));
        var ops = new List<StateTransactionRequest>
        {
            new("tx2", Json(new Item("y", 2)), StateOperationType.Upsert),
            new("tx1", null, StateOperationType.Delete, etag: "9"),
        };
        var failure = await RpcFailure(() => Dapr.ExecuteStateTransactionAsync(PgV1, ops));
        Assert.Equal(StatusCode.Internal, failure.StatusCode);
        Assert.Null(await Dapr.GetStateAsync<Item?>(PgV1, "tx2"));

        await Dapr.SaveStateAsync(PgV1, "ttl", new Item("short", 1), metadata: new Dictionary<string, string> { ["ttlInSeconds"] = "1" });
        var (_, _, metadata) = await GetWithMetadataAsync(PgV1, "ttl");
        Assert.True(metadata.ContainsKey("ttlExpireTime"));
        await Dapr.SaveStateAsync(PgV1, "ttl", new Item("forever", 2));
        await Task.Delay(1500);
        Assert.Equal("forever", (await Dapr.GetStateAsync<Item>(PgV1, "ttl")).Name);
    }

    // ---- state.in-memory ----

    [Fact]
    public async Task In_memory_keeps_its_own_rules_first_write_conflicts_abort_and_transactions_are_atomic()
    {
        await Dapr.SaveStateAsync(InMemory, "idem", new Item("first", 1), FirstWrite);
        var conflict = await RpcFailure(() => Dapr.SaveStateAsync(InMemory, "idem", new Item("second", 2), FirstWrite));
        Assert.Equal(StatusCode.Aborted, conflict.StatusCode);
        Assert.Contains("possible etag mismatch. error from state store: item already exists and no etag was passed", conflict.Status.Detail);
        await Dapr.SaveStateAsync(InMemory, "idem", new Item("plain", 3));

        var ops = new List<StateTransactionRequest>
        {
            new("mem-tx", Json(new Item("y", 2)), StateOperationType.Upsert),
            new("idem", null, StateOperationType.Delete, etag: "stale"),
        };
        await RpcFailure(() => Dapr.ExecuteStateTransactionAsync(InMemory, ops));
        Assert.Null(await Dapr.GetStateAsync<Item?>(InMemory, "mem-tx"));
    }

    [Fact]
    public async Task Metadata_reports_each_store_type_with_the_capabilities_it_serves()
    {
        var metadata = await Dapr.GetMetadataAsync();
        var redis = Assert.Single(metadata.Components, c => c.Name == Redis);
        Assert.Equal(["ETAG", "TRANSACTIONAL", "TTL"], redis.Capabilities);
        Assert.Contains(metadata.Components, c => c.Name == PgV2 && c.Type == "state.postgresql" && c.Version == "v2");
    }

    private async Task<(Item Value, string ETag, IReadOnlyDictionary<string, string> Metadata)> GetWithMetadataAsync(string store, string key)
    {
        using var channel = global::Grpc.Net.Client.GrpcChannel.ForAddress(this.sidecar.Host.GrpcEndpoint);
        var raw = new global::Dapr.Client.Autogen.Grpc.v1.Dapr.DaprClient(channel);
        var response = await raw.GetStateAsync(new global::Dapr.Client.Autogen.Grpc.v1.GetStateRequest { StoreName = store, Key = key });
        return (JsonSerializer.Deserialize<Item>(response.Data.Span, new JsonSerializerOptions(JsonSerializerDefaults.Web))!, response.Etag, response.Metadata);
    }
}
