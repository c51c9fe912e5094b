using System.Diagnostics;
using System.Globalization;
using LogDapr.Aggregator.Hosting;
using LogDapr.Configuration;
using LogDapr.Configuration.Pipeline;
using LogDapr.Ingest.Hosting;
using LogDapr.LocalStack.Layout;
using LogDapr.LocalStack.Processes;
using LogDapr.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

using Xunit.Abstractions;

namespace LogDapr.Observability.Tests.Support;

/// <summary>
/// Ingest and the aggregator hosted in this process (each with an in-memory span exporter), a real development
/// sidecar process between them and a real Postgres. The sidecar serves a declarative subscription without bulk, so
/// each message reaches the aggregator as a single delivery, the case in which the aggregator continues the trace.
/// </summary>
public sealed class InProcessPipeline(IMessageSink diagnostics) : IAsyncLifetime
{
    private readonly PostgresFixture postgres = PostgresFixture.Standalone(diagnostics: diagnostics);
    private ManagedProcess? sidecar;
    private WebApplication? ingest;
    private WebApplication? aggregator;
    private string? directory;

    public List<Activity> IngestSpans { get; } = [];
    public List<Activity> AggregatorSpans { get; } = [];

    public Uri IngestUrl { get; } = Loopback(FreePorts.Next());
    public Uri AggregatorUrl { get; } = Loopback(FreePorts.Next());

    public async Task InitializeAsync()
    {
        await postgres.InitializeAsync();
        var database = await postgres.CreateDatabaseAsync("traces");
        directory = ScratchDirectory.NewPath("logdapr-traces", "in-process");
        var resources = Path.Combine(directory, "resources");
        Directory.CreateDirectory(resources);
        var layout = RepoLayout.Discover();
        foreach (var file in Directory.GetFiles(layout.ComponentsDirectory, "*.yaml"))
        {
            File.Copy(file, Path.Combine(resources, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(resources, "subscriptions.yaml"), $"""
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: logs-single
            spec:
              pubsubname: {PipelineDefaults.PubSubComponent}
              topic: {PipelineDefaults.LogsTopic}
              routes:
                default: {PipelineDefaults.LogsRoute}
              deadLetterTopic: {PipelineDefaults.DeadLetterTopic}
            scopes:
              - {PipelineDefaults.AggregatorAppId}
            """);

        // Each app id has its own Dapr API pair, as with one daprd per app (component scopes apply per pair).
        int httpPort = FreePorts.Next(), grpcPort = FreePorts.Next(), ingestHttpPort = FreePorts.Next(), ingestGrpcPort = FreePorts.Next();
        var spec = DevSidecarSpec.Create(layout,
            [
                new SidecarApp(PipelineDefaults.AggregatorAppId, AggregatorUrl, httpPort, grpcPort),
                new SidecarApp(PipelineDefaults.IngestAppId, IngestUrl, ingestHttpPort, ingestGrpcPort),
            ],
            Path.Combine(directory, "journal"), ["--journal-fsync", "false"],
            new Dictionary<string, string?> { ["LOGDAPR_PG_CONNECTION"] = PostgresFixture.ForDapr(database), ["DOTNET_gcServer"] = "0" });
        spec = spec with { Arguments = [.. spec.Arguments.Select(a => a == layout.ComponentsDirectory ? resources : a)] };
        sidecar = new ManagedProcess(spec, directory);
        sidecar.Start();
        await sidecar.WaitForHttpAsync(new Uri($"http://127.0.0.1:{httpPort}/v1.0/healthz"), TimeSpan.FromSeconds(60));

        var dapr = new Dictionary<string, string?>
        {
            [ConfigKeys.DaprGrpcPortEnv] = grpcPort.ToString(CultureInfo.InvariantCulture),
            [ConfigKeys.DaprHttpPortEnv] = httpPort.ToString(CultureInfo.InvariantCulture),
            ["Auth:Enabled"] = "false",
        };
        aggregator = Build(PipelineDefaults.AggregatorAppId, AggregatorUrl, AggregatorSpans, new Dictionary<string, string?>(dapr)
        {
            [ConfigKeys.PostgresConnectionString] = database,
            [ConfigKeys.AggregatorDeclarativeSubscriptions] = "true",
            // The test posts deliveries itself, and its sidecar sends no app token.
            ["Aggregator:AllowUnauthenticatedDaprRoutes"] = "true",
        }, b => b.AddAggregator());
        aggregator.MapAggregator();
        await aggregator.StartAsync();
        await WaitReadyAsync(AggregatorUrl);

        ingest = Build(PipelineDefaults.IngestAppId, IngestUrl, IngestSpans, new Dictionary<string, string?>(dapr)
        {
            [ConfigKeys.DaprGrpcPortEnv] = ingestGrpcPort.ToString(CultureInfo.InvariantCulture),
            [ConfigKeys.DaprHttpPortEnv] = ingestHttpPort.ToString(CultureInfo.InvariantCulture),
        }, b => b.AddIngest());
        ingest.MapIngest();
        await ingest.StartAsync();
        await WaitReadyAsync(IngestUrl);
    }

    /// <summary>Both exporters' spans (the two providers see each other's ASP.NET Core spans), one per span id.</summary>
    public IReadOnlyList<Activity> AllSpans()
    {
        lock (IngestSpans)
        {
            lock (AggregatorSpans)
            {
                return [.. IngestSpans.Concat(AggregatorSpans).DistinctBy(a => a.SpanId)];
            }
        }
    }

    public string Diagnostics() => sidecar?.Tail() ?? "";

    private static WebApplication Build(string name, Uri url, List<Activity> spans, Dictionary<string, string?> settings, Action<WebApplicationBuilder> add)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ApplicationName = name, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls(url.ToString());
        add(builder);
        // The test's exporter is the only one: it alone makes a TracerProvider, which the services' own tracing
        // registrations then configure (the same ones an OTLP exporter would get).
        builder.Services.AddOpenTelemetry().WithTracing(t => t.AddInMemoryExporter(new LockedCollection(spans)));
        return builder.Build();
    }

    private static async Task WaitReadyAsync(Uri service)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(service, "/readyz"));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{service}readyz never answered 2xx");
            }

            await Task.Delay(100);
        }
    }

    private static Uri Loopback(int port) => new($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");

    public async Task DisposeAsync()
    {
        if (ingest is not null)
        {
            await ingest.StopAsync();
            await ingest.DisposeAsync();
        }

        if (aggregator is not null)
        {
            await aggregator.StopAsync();
            await aggregator.DisposeAsync();
        }

        if (sidecar is not null)
        {
            await sidecar.DisposeAsync();
        }

        await postgres.DisposeAsync();
        ScratchDirectory.Remove(directory);
    }

    /// <summary>The in-memory exporter adds from whichever thread ends a span; the tests read while the apps run.</summary>
    private sealed class LockedCollection(List<Activity> inner) : ICollection<Activity>
    {
        public int Count
        {
            get
            {
                lock (inner)
                {
                    return inner.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public void Add(Activity item)
        {
            lock (inner)
            {
                inner.Add(item);
            }
        }

        public void Clear()
        {
            lock (inner)
            {
                inner.Clear();
            }
        }

        public bool Contains(Activity item)
        {
            lock (inner)
            {
                return inner.Contains(item);
            }
        }

        public void CopyTo(Activity[] array, int arrayIndex)
        {
            lock (inner)
            {
                inner.CopyTo(array, arrayIndex);
            }
        }

        public bool Remove(Activity item)
        {
            lock (inner)
            {
                return inner.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator()
        {
            lock (inner)
            {
                return inner.ToList().GetEnumerator();
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
