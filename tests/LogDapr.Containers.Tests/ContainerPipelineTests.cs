using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LogDapr.Containers.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Containers.Tests;

/// <summary>
/// The whole pipeline in containers, wired only by environment and networking: Postgres on a podman network, and the
/// development sidecar, ingest, the aggregator and the store (the aggregator's image in its store role) sharing one network namespace (the sidecar's, as containers of a
/// Kubernetes pod share theirs; a podman pod's infra container cannot take the ulimits this sandbox needs), each from
/// its own image, each on a read-only root as a non-root user. Events posted to ingest's published port
/// are counted exactly once, read back from the aggregator's published port, and stored exactly once, read back from
/// the store's search API.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class ContainerPipelineTests(BuiltImages images) : IAsyncLifetime
{
    private const string Password = "container-test";
    private const string AppToken = "container-test-app-token";
    private const string CursorKey = "container-test-cursor-key-0123456789";
    private const string Tenant = "containers";
    private readonly string id = Guid.NewGuid().ToString("N")[..8];

    private string Network => "logdapr-e2e-" + id;

    private string Pod => "logdapr-pipeline-" + id;

    private string Sidecar => Pod + "-sidecar";

    private string PostgresContainer => "logdapr-postgres-" + id;

    private static string Libpq => $"host=postgres port=5432 user=logdapr password={Password} dbname=postgres sslmode=disable";

    public async Task InitializeAsync()
    {
        await Podman.CheckAsync("network", "create", Network);
        // The test stand-in for the official postgres image (deploy/test-images): its entrypoint initialises a
        // cluster from the POSTGRES_* variables, with password authentication over the network.
        await Podman.CheckAsync(
        [
            "run", "--detach", "--name", PostgresContainer, .. Podman.Limits, "--network", Network, "--network-alias", "postgres",
            "--env", "POSTGRES_USER=logdapr", "--env", $"POSTGRES_PASSWORD={Password}", "--env", "POSTGRES_DB=postgres",
            images.Image("postgres"), "-c", "fsync=off",
        ]);
    }

    public async Task DisposeAsync()
    {
        await Podman.RemoveAsync("container", Pod + "-ingest", Pod + "-aggregator", Pod + "-store", Sidecar);
        await Podman.RemoveAsync("container", PostgresContainer);
        await Podman.RemoveAsync("network", Network);
    }

    [Fact]
    public async Task Events_posted_to_the_ingest_container_are_counted_and_stored_once_by_the_aggregator_image_in_both_roles()
    {
        var components = Repository.Path("components");
        string[] appContainer = ["run", "--detach", "--network", "container:" + Sidecar, .. Podman.Limits, "--read-only", "--env", "Auth__Enabled=false"];
        await Podman.CheckAsync(
        [
            "run", "--detach", "--name", Sidecar, .. Podman.Limits, "--read-only",
            "--network", Network, "--publish", "127.0.0.1::8080", "--publish", "127.0.0.1::8081", "--publish", "127.0.0.1::8082",
            "--volume", $"{components}:/components:ro,Z",
            "--env", $"LOGDAPR_PG_CONNECTION={Libpq}", "--env", $"APP_API_TOKEN={AppToken}", "--env", "LOGDAPR_ARCHIVE_DIR=/tmp/archive",
            images.Image("dev-sidecar"),
            "--resources-path", "/components", "--data-dir", "/tmp/sidecar",
            "--app-id", "logdapr-aggregator", "--dapr-http-port", "3501", "--dapr-grpc-port", "50002",
            "--app", "logdapr-aggregator=http://127.0.0.1:8081", "--app", "logdapr-ingest=http://127.0.0.1:8080",
            "--app-ports", "logdapr-ingest=3502:50003",
            "--app", "logdapr-store=http://127.0.0.1:8082", "--app-ports", "logdapr-store=3503:50004",
            "--enable-app-health-check", "--app-health-check-path", "/readyz",
        ]);
        await Podman.CheckAsync(
        [
            .. appContainer, "--name", $"{Pod}-aggregator",
            "--env", "DAPR_HTTP_PORT=3501", "--env", "DAPR_GRPC_PORT=50002", "--env", "APP_ID=logdapr-aggregator",
            "--env", $"Postgres__ConnectionString={Libpq}", "--env", $"APP_API_TOKEN={AppToken}",
            images.Image("aggregator"),
        ]);
        await Podman.CheckAsync(
        [
            .. appContainer, "--name", $"{Pod}-store",
            "--env", "DAPR_HTTP_PORT=3503", "--env", "DAPR_GRPC_PORT=50004", "--env", "APP_ID=logdapr-store",
            "--env", "Aggregator__Role=Store", "--env", "ASPNETCORE_HTTP_PORTS=8082", "--env", $"Store__CursorKey={CursorKey}",
            "--env", $"Postgres__ConnectionString={Libpq}", "--env", $"APP_API_TOKEN={AppToken}",
            images.Image("aggregator"),
        ]);
        await Podman.CheckAsync(
        [
            .. appContainer, "--name", $"{Pod}-ingest",
            "--env", "DAPR_HTTP_PORT=3502", "--env", "DAPR_GRPC_PORT=50003", "--env", "APP_ID=logdapr-ingest",
            images.Image("ingest"),
        ]);

        using var ingest = new HttpClient { BaseAddress = await Podman.PublishedAddressAsync(Sidecar, 8080), Timeout = TimeSpan.FromSeconds(30) };
        using var aggregator = new HttpClient { BaseAddress = await Podman.PublishedAddressAsync(Sidecar, 8081), Timeout = TimeSpan.FromSeconds(30) };
        await Podman.WaitUntilOkAsync(ingest.BaseAddress!, "/readyz", TimeSpan.FromSeconds(90), () => LogsAsync("ingest"));
        await Podman.WaitUntilOkAsync(aggregator.BaseAddress!, "/readyz", TimeSpan.FromSeconds(90), () => LogsAsync("aggregator"));
        using var store = new HttpClient { BaseAddress = await Podman.PublishedAddressAsync(Sidecar, 8082), Timeout = TimeSpan.FromSeconds(30) };
        await Podman.WaitUntilOkAsync(store.BaseAddress!, "/readyz", TimeSpan.FromSeconds(90), () => LogsAsync("store"));

        var now = DateTimeOffset.UtcNow;
        var batches = Enumerable.Range(0, 5).Select(batch => Enumerable.Range(0, 40).Select(i => new Dictionary<string, object>
        {
            ["id"] = $"evt-{id}-{batch}-{i}",
            ["tenant_id"] = Tenant,
            ["service"] = "checkout",
            ["severity"] = i % 4 == 0 ? "error" : "info",
            ["message"] = $"container event {batch}/{i}",
            ["timestamp"] = now.AddSeconds(-i).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        }).ToArray()).ToArray();

        foreach (var batch in batches)
        {
            await PostUntilAcceptedAsync(ingest, batch);
        }

        // A client retry of a whole batch (same event ids) must not count twice.
        await PostUntilAcceptedAsync(ingest, batches[0]);

        const int expected = 5 * 40;
        var total = await WaitForTotalAsync(aggregator, now, expected);
        Assert.Equal(expected, total);

        // Redeliveries would land after the first count: the total stays put.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(expected, await TotalAsync(aggregator, now));

        // The store read every message in its own consumer group: each event once, by id.
        var stored = await WaitForStoredAsync(store, now, expected);
        Assert.Equal(batches.SelectMany(b => b).Select(e => (string)e["id"]).Order(StringComparer.Ordinal), stored.Order(StringComparer.Ordinal));
    }

    /// <summary>The ids GET /v1/logs returns for the test's tenant around <paramref name="now"/>, read until <paramref name="expected"/> are there.</summary>
    private async Task<List<string>> WaitForStoredAsync(HttpClient store, DateTimeOffset now, int expected)
    {
        var from = Uri.EscapeDataString(now.AddMinutes(-10).ToString("O", CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(now.AddMinutes(10).ToString("O", CultureInfo.InvariantCulture));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        List<string> ids = [];
        while (DateTime.UtcNow < deadline)
        {
            using var response = await store.GetAsync($"/v1/logs?tenant={Tenant}&from={from}&to={to}&limit=1000");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /v1/logs answered {response.StatusCode}: {body}\n{await LogsAsync("store")}");
            ids = [.. JsonDocument.Parse(body).RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];
            if (ids.Count >= expected)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }

        return ids;
    }

    /// <summary>
    /// Posts as a well-behaved client does: a 503 (the sidecar did not confirm in time, e.g. on a loaded machine) is
    /// retried unchanged, which the event ids make safe. Any other answer than 202 fails the test.
    /// </summary>
    private static async Task PostUntilAcceptedAsync(HttpClient ingest, IReadOnlyList<Dictionary<string, object>> batch)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await ingest.PostAsJsonAsync("/v1/logs", batch);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return;
            }

            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 10, $"{response.StatusCode} on attempt {attempt}: {body}");
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    private async Task<string> LogsAsync(string container)
    {
        var (_, logs, errors) = await Podman.RunAsync(TimeSpan.FromSeconds(30), "logs", "--tail", "30", $"{Pod}-{container}");
        var (_, sidecar, _) = await Podman.RunAsync(TimeSpan.FromSeconds(30), "logs", "--tail", "30", Sidecar);
        return $"{container}:\n{logs}\n{errors}\nsidecar:\n{sidecar}";
    }

    private async Task<long> WaitForTotalAsync(HttpClient aggregator, DateTimeOffset now, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        long total;
        while ((total = await TotalAsync(aggregator, now)) < expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
        }

        return total;
    }

    private static async Task<long> TotalAsync(HttpClient aggregator, DateTimeOffset now)
    {
        var from = now.AddMinutes(-10).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var to = now.AddMinutes(10).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        using var response = await aggregator.GetAsync($"/v1/metrics?tenant={Tenant}&from={from}&to={to}");
        if (!response.IsSuccessStatusCode)
        {
            return -1;
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("total_events").GetInt64();
    }
}
