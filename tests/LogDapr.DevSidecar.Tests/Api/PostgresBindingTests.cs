using System.Text.Json;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>bindings.postgresql against a real PostgreSQL, called through the Dapr SDK.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBindingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private readonly string secretVariable = "DS_TEST_PG_" + Guid.NewGuid().ToString("N");
    private TestSidecar sidecar = null!;

    private DaprClient Dapr => sidecar.Client;

    public async Task InitializeAsync()
    {
        // The connection string reaches the component the way components/binding-postgres.yaml does it.
        Environment.SetEnvironmentVariable(secretVariable, postgres.PgxConnectionString);
        dir.Write("res/binding.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pg
            spec:
              type: bindings.postgresql
              version: v1
              metadata:
                - name: connectionString
                  secretKeyRef:
                    name: {secretVariable}
                    key: {secretVariable}
            auth:
              secretStore: env
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: env
            spec:
              type: secretstores.local.env
              version: v1
              metadata: []
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pg-down
            spec:
              type: bindings.postgres
              version: v1
              metadata:
                - name: connectionString
                  value: "host=127.0.0.1 port={Ports.Free()} user=postgres dbname=postgres connect_timeout=2"
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: mystery
            spec:
              type: bindings.kafka
              version: v1
              metadata: []
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: r
            spec:
              policies:
                retries:
                  once:
                    policy: constant
                    duration: 10ms
                    maxRetries: 0
                circuitBreakers:
                  sink:
                    maxRequests: 1
                    timeout: 60s
                    trip: consecutiveFailures >= 2
              targets:
                components:
                  pg-down:
                    outbound:
                      retry: once
                      circuitBreaker: sink
            """);
        sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"));
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        Environment.SetEnvironmentVariable(secretVariable, null);
        dir.Dispose();
    }

    private Task<BindingResponse> InvokeAsync(string operation, string sql, string? parameters = null, string binding = "pg")
    {
        var request = new BindingRequest(binding, operation);
        request.Metadata["sql"] = sql;
        if (parameters is not null)
        {
            request.Metadata["params"] = parameters;
        }

        return Dapr.InvokeBindingAsync(request);
    }

    private static RpcException Rpc(Exception ex) => Assert.IsType<RpcException>(ex.InnerException);

    [Fact]
    public async Task Exec_binds_params_positionally_and_query_returns_rows_as_arrays()
    {
        var table = "t_" + Guid.NewGuid().ToString("N")[..8];
        await InvokeAsync("exec", $"CREATE TABLE {table} (name text, n bigint, at timestamptz, doc jsonb, tags text[], ok boolean, score numeric)");

        var insert = await InvokeAsync("exec",
            $"INSERT INTO {table} VALUES ($1, $2, $3, $4, $5, $6, $7)",
            """["alpha", 42, "2024-05-01T10:00:00Z", {"k":1}, ["x","y \"q\""], true, 1.25]""");
        Assert.Equal("1", insert.Metadata["rows-affected"]);
        Assert.Equal("exec", insert.Metadata["operation"]);
        Assert.True(DateTimeOffset.TryParse(insert.Metadata["start-time"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.True(DateTimeOffset.TryParse(insert.Metadata["end-time"], System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.False(string.IsNullOrEmpty(insert.Metadata["duration"]));

        var query = await InvokeAsync("query", $"SELECT name, n, at, doc, tags, ok, score, NULL::text FROM {table} WHERE n = $1", "[42]");
        using var rows = JsonDocument.Parse(query.Data);
        var row = Assert.Single(rows.RootElement.EnumerateArray().ToList());
        Assert.Equal("alpha", row[0].GetString());
        Assert.Equal(42, row[1].GetInt64());
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero), DateTimeOffset.Parse(row[2].GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, row[3].GetProperty("k").GetInt32());
        Assert.Equal(["x", "y \"q\""], row[4].EnumerateArray().Select(e => e.GetString()));
        Assert.True(row[5].GetBoolean());
        Assert.Equal(1.25m, row[6].GetDecimal());
        Assert.Equal(JsonValueKind.Null, row[7].ValueKind);
    }

    [Fact]
    public async Task Exec_without_params_runs_several_statements_and_reports_affected_rows()
    {
        var table = "m_" + Guid.NewGuid().ToString("N")[..8];
        await InvokeAsync("exec", $"CREATE TABLE {table} (id int primary key); INSERT INTO {table} VALUES (1), (2);");
        var update = await InvokeAsync("exec", $"UPDATE {table} SET id = id + 10");
        Assert.Equal("2", update.Metadata["rows-affected"]);
        var upsert = await InvokeAsync("exec", $"INSERT INTO {table} VALUES ($1) ON CONFLICT (id) DO NOTHING", "[11]");
        Assert.Equal("0", upsert.Metadata["rows-affected"]);
    }

    [Fact]
    public async Task Sql_errors_come_back_as_internal_with_the_postgres_message()
    {
        var ex = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("query", "SELECT * FROM no_such_table"));
        var rpc = Rpc(ex);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.Contains("no_such_table", rpc.Status.Detail);
        Assert.Contains("SQLSTATE 42P01", rpc.Status.Detail);
        Assert.Contains("error invoking output binding pg", rpc.Status.Detail);
    }

    [Fact]
    public async Task Missing_sql_and_bad_params_are_rejected()
    {
        var noSql = await Assert.ThrowsAsync<DaprException>(() => Dapr.InvokeBindingAsync(new BindingRequest("pg", "exec")));
        Assert.Contains("required metadata not set: sql", Rpc(noSql).Status.Detail);

        var badParams = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("exec", "SELECT $1", """{"not":"an array"}"""));
        Assert.Contains("params", Rpc(badParams).Status.Detail);
    }

    [Fact]
    public async Task Unreachable_database_fails_and_the_circuit_breaker_then_fails_fast()
    {
        // daprd v1.16 InvokeBinding reports every binding failure as INTERNAL; the cause is in the text.
        for (var i = 0; i < 2; i++)
        {
            var ex = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("query", "SELECT 1", binding: "pg-down"));
            Assert.Equal(StatusCode.Internal, Rpc(ex).StatusCode);
        }

        var open = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("query", "SELECT 1", binding: "pg-down"));
        Assert.Equal(StatusCode.Internal, Rpc(open).StatusCode);
        Assert.Contains("circuit breaker is open", Rpc(open).Status.Detail);
    }

    [Fact]
    public async Task Unknown_binding_unsupported_type_and_operation_fail_as_daprd_says()
    {
        var unknown = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("exec", "SELECT 1", binding: "nope"));
        Assert.Equal(StatusCode.Internal, Rpc(unknown).StatusCode);
        Assert.Equal("error invoking output binding nope: couldn't find output binding nope", Rpc(unknown).Status.Detail);

        var unsupported = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("exec", "SELECT 1", binding: "mystery"));
        Assert.Equal(StatusCode.Internal, Rpc(unsupported).StatusCode);
        Assert.Contains("bindings.kafka", Rpc(unsupported).Status.Detail);

        var operation = await Assert.ThrowsAsync<DaprException>(() => InvokeAsync("delete", "SELECT 1"));
        Assert.Equal("error invoking output binding pg: binding pg does not support operation delete. supported operations:exec query close", Rpc(operation).Status.Detail);
    }

    [Fact]
    public async Task Close_closes_the_pool_for_good_like_dapr()
    {
        var sidecarDir = new TempDir();
        sidecarDir.Write("res/b.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: pg2
            spec:
              type: bindings.postgresql
              version: v1
              metadata:
                - name: connectionString
                  value: "{postgres.PgxConnectionString}"
            """);
        await using (var own = await TestSidecar.StartAsync(Path.Combine(sidecarDir.Path, "res"), sidecarDir.Sub("data")))
        {
            await own.Client.InvokeBindingAsync(new BindingRequest("pg2", "close"));
            var request = new BindingRequest("pg2", "query");
            request.Metadata["sql"] = "SELECT 1";
            var closed = await Assert.ThrowsAsync<DaprException>(() => own.Client.InvokeBindingAsync(request));
            Assert.Contains("component is closed", Rpc(closed).Status.Detail);
        }

        sidecarDir.Dispose();
    }
}
