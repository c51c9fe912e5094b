using LogDapr.TestSupport;
using System.Globalization;
using System.Net;
using LogDapr.LocalStack.Pipeline;

namespace LogDapr.EndToEnd.Tests.Support;

/// <summary>A whole pipeline for one test, as real processes, with the clients a test needs.</summary>
public sealed class TestPipeline : IAsyncDisposable
{
    private TestPipeline(LocalPipeline pipeline)
    {
        Pipeline = pipeline;
        Client = new PipelineClient(pipeline.IngestUrl, pipeline.AggregatorUrl, pipeline.SidecarHttpUrl, handler: pipeline.TrustingHandler());
        Sidecar = new SidecarDiagnostics(pipeline.SidecarHttpUrl);
        var handler = pipeline.TrustingHandler();
        Http = handler is null
            ? new HttpClient { BaseAddress = pipeline.IngestUrl, Timeout = TimeSpan.FromSeconds(30) }
            : new HttpClient(handler) { BaseAddress = pipeline.IngestUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public LocalPipeline Pipeline { get; }
    public PipelineClient Client { get; }
    public SidecarDiagnostics Sidecar { get; }
    public HttpClient Http { get; }

    public static async Task<TestPipeline> StartAsync(
        string name, IReadOnlyList<string>? sidecarArguments = null, IReadOnlyDictionary<string, string?>? appEnvironment = null,
        LocalBroker broker = LocalBroker.Redis, string? processingRules = null, string? routes = null, string? routeComponents = null, bool tls = false,
        string? authKeysDirectory = null)
    {
        var runDirectory = ScratchDirectory.NewPath("logdapr-e2e", name);
        string? rulesFile = null;
        if (processingRules is not null)
        {
            Directory.CreateDirectory(runDirectory);
            rulesFile = Path.Combine(runDirectory, "processing.yaml");
            await File.WriteAllTextAsync(rulesFile, processingRules);
        }

        string? routesFile = null, componentsDirectory = null;
        if (routes is not null)
        {
            // The routes and the output bindings they name, as the operator renders them from spec.routes.
            componentsDirectory = Path.Combine(runDirectory, "route-components");
            Directory.CreateDirectory(componentsDirectory);
            routesFile = Path.Combine(runDirectory, "routes.yaml");
            await File.WriteAllTextAsync(routesFile, routes);
            await File.WriteAllTextAsync(Path.Combine(componentsDirectory, "routes.yaml"), routeComponents ?? "");
        }

        var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions
        {
            RunDirectory = runDirectory,
            SidecarArguments = ["--journal-fsync", "false", .. sidecarArguments ?? []],
            AppEnvironment = appEnvironment ?? new Dictionary<string, string?>(),
            Broker = broker,
            ProcessingRulesFile = rulesFile,
            RoutesFile = routesFile,
            RouteComponentsDirectory = componentsDirectory,
            Tls = tls,
            AuthKeysDirectory = authKeysDirectory,
        }, CancellationToken.None);
        return new TestPipeline(pipeline);
    }

    /// <summary>Posts a request of the model and commits its events to the expectation only on 202.</summary>
    public async Task<HttpStatusCode> SendAsync(TrafficModel model, int events, int shape)
    {
        var (payload, keys) = model.Next(events, shape);
        using var response = await Http.PostAsync("/v1/logs", payload.Content);
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            model.Commit(keys);
        }

        return response.StatusCode;
    }

    /// <summary>
    /// Posts a request of the model as a careful client does: every event carries an id, so a 503 (the sidecar did not
    /// confirm the publish in time, as on a loaded machine) is retried unchanged and still counts once. Commits on 202.
    /// For tests whose subject is not the edge's own answers.
    /// </summary>
    public async Task<HttpStatusCode> SendRetryingAsync(TrafficModel model, int events, int shape, int attempts = 10)
    {
        var (payload, keys) = model.Next(events, shape, withIds: true);
        var status = HttpStatusCode.ServiceUnavailable;
        for (var attempt = 1; attempt <= attempts && status == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }

            using var response = await Http.PostAsync("/v1/logs", payload.Content);
            status = response.StatusCode;
        }

        if (status == HttpStatusCode.Accepted)
        {
            model.Commit(keys);
        }

        return status;
    }

    /// <summary>
    /// POSTs a body whose events all carry ids as a careful client does: a 503 (the sidecar did not confirm the publish
    /// in time, as on a loaded machine) is retried unchanged, and the ids keep it counted once. Asserts the final 202.
    /// For tests whose subject is not the edge's own answers.
    /// </summary>
    public async Task PostLogsRetryingAsync(string body, int attempts = 10)
    {
        var response = await Client.PostLogsAsync(body);
        for (var attempt = 1; attempt < attempts && response.Status == HttpStatusCode.ServiceUnavailable; attempt++)
        {
            await Task.Delay(500);
            response = await Client.PostLogsAsync(body);
        }

        Assert.True(response.Status == HttpStatusCode.Accepted, $"ingest answered {response.Status}: {response.Text}");
    }

    public Task WaitUntilDrainedAsync(TimeSpan? timeout = null)
        => Sidecar.WaitUntilDrainedAsync(timeout ?? TimeSpan.FromSeconds(90), Pipeline.Diagnostics);

    /// <summary>Reads every count bucket of the model's time range from the query API.</summary>
    public async Task<Dictionary<CountKey, long>> CountsAsync(TrafficModel model)
    {
        var from = Uri.EscapeDataString(model.From.ToString("O", CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(model.To.ToString("O", CultureInfo.InvariantCulture));
        var response = await Client.GetMetricsAsync($"from={from}&to={to}&step=1m");
        Assert.True(response.Status == HttpStatusCode.OK, $"GET /v1/metrics answered {response.Status}: {response.Text}");
        return response.Body!["buckets"]!.AsArray().ToDictionary(
            b => new CountKey(
                b!["bucket_start"]!.GetValue<DateTimeOffset>(),
                b["tenant_id"]!.GetValue<string>(),
                b["service"]!.GetValue<string>(),
                b["severity"]!.GetValue<string>()),
            b => b!["count"]!.GetValue<long>());
    }

    /// <summary>Asserts the counter holds exactly <paramref name="expected"/> events in total (the sum of log_counts).</summary>
    public async Task AssertCountsSumAsync(long expected)
    {
        await WaitUntilDrainedAsync();
        await using var connection = new Npgsql.NpgsqlConnection(Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT coalesce(sum(event_count), 0) FROM logdapr.log_counts", connection);
        Assert.Equal(expected, Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
    }

    /// <summary>The counter's totals per "tenant/service/severity" from log_counts, ordered by that text.</summary>
    public async Task<List<(string Series, long Count)>> CountsBySeriesAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT tenant_id || '/' || service || '/' || severity, sum(event_count)::bigint FROM logdapr.log_counts GROUP BY 1 ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }

    /// <summary>Asserts the query API shows exactly the model's counts, key by key, with a readable diff when not.</summary>
    public async Task AssertCountsExactAsync(TrafficModel model)
    {
        await WaitUntilDrainedAsync();
        var actual = await CountsAsync(model);
        var differences = model.Expected.Keys.Union(actual.Keys)
            .Select(k => (Key: k, Expected: model.Expected.GetValueOrDefault(k), Actual: actual.GetValueOrDefault(k)))
            .Where(d => d.Expected != d.Actual)
            .ToList();
        Assert.True(differences.Count == 0,
            $"{differences.Count} buckets differ (expected total {model.ExpectedTotal}, counted {actual.Values.Sum()}):{Environment.NewLine}"
            + string.Join(Environment.NewLine, differences.Take(20).Select(d => $"  {d.Key}: expected {d.Expected}, counted {d.Actual}")));
    }

    /// <summary>
    /// Asserts log_events holds exactly the model's events: per (minute, tenant, service, severity) the same number of
    /// rows, and every committed id stored exactly once (the key makes a second row impossible; a missing one is not).
    /// Waits for the store's own subscription to drain first.
    /// </summary>
    public async Task AssertStoredExactAsync(TrafficModel model)
    {
        await Sidecar.WaitUntilAppDrainedAsync(LogDapr.Configuration.Pipeline.PipelineDefaults.StoreAppId, TimeSpan.FromSeconds(90), Pipeline.Diagnostics);
        await using var connection = new Npgsql.NpgsqlConnection(Pipeline.Postgres.ConnectionString);
        await connection.OpenAsync();
        var stored = new Dictionary<CountKey, long>();
        await using (var command = new Npgsql.NpgsqlCommand("""
            SELECT date_trunc('minute', ts), tenant_id, service,
                   (ARRAY['trace','debug','info','warn','error','fatal'])[severity], count(*)
            FROM logdapr.log_events WHERE ts >= $1 AND ts < $2 GROUP BY 1, 2, 3, 4
            """, connection))
        {
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = model.From });
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = model.To });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                stored[new CountKey(new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero), reader.GetString(1), reader.GetString(2), reader.GetString(3))] = reader.GetInt64(4);
            }
        }

        var differences = model.Expected.Keys.Union(stored.Keys)
            .Select(k => (Key: k, Expected: model.Expected.GetValueOrDefault(k), Actual: stored.GetValueOrDefault(k)))
            .Where(d => d.Expected != d.Actual)
            .ToList();
        Assert.True(differences.Count == 0,
            $"{differences.Count} series differ (expected total {model.ExpectedTotal}, stored {stored.Values.Sum()}):{Environment.NewLine}"
            + string.Join(Environment.NewLine, differences.Take(20).Select(d => $"  {d.Key}: expected {d.Expected}, stored {d.Actual}")));

        if (model.CommittedIds.Count > 0)
        {
            await using var ids = new Npgsql.NpgsqlCommand("SELECT count(*) FROM logdapr.log_events WHERE event_id = ANY($1)", connection);
            ids.Parameters.Add(new Npgsql.NpgsqlParameter { Value = model.CommittedIds.ToArray() });
            Assert.Equal(model.CommittedIds.Count, Convert.ToInt64(await ids.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Client.Dispose();
        await Pipeline.DisposeAsync();
        ScratchDirectory.Remove(Pipeline.RunDirectory);
    }
}
