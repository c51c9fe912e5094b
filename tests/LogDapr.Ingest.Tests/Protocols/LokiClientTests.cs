using System.Globalization;
using System.Text.Json;
using LogDapr.Ingest.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.Protocols;

/// <summary>
/// A Loki client someone else wrote: npm's winston-loki (6.1.7, a Winston transport), which pushes protobuf compressed
/// with snappy (its optional dependency <c>snappy</c>, prebuilt binaries from npm) or, with <c>json: true</c>, the JSON
/// push with structured metadata. No Loki client is on NuGet here. Installs the packages from npm into a scratch
/// directory; node and npm must be on the machine (a missing one fails the test). The events are read back from what
/// the sidecar stored.
/// </summary>
public sealed class LokiClientTests : IClassFixture<SidecarFixture>, IDisposable
{
    private const string Script = """
        const winston = require("winston");
        const LokiTransport = require("winston-loki");
        const marker = process.env.MARKER;
        let failed = false;
        const transport = new LokiTransport({
          host: process.env.LOKI_HOST,
          basicAuth: "promtail:" + process.env.LOKI_KEY,
          headers: { "X-Scope-OrgID": "acme" },
          labels: { app: "checkout" },
          json: process.env.LOKI_JSON === "1",
          interval: 3600,
          gracefulShutdown: false,
          onConnectionError: e => { failed = true; console.error("PUSH FAILED " + e.message); },
        });
        console.log("CONTENT-TYPE " + transport.batcher.contentType);
        const logger = winston.createLogger({ level: "debug", transports: [transport] });
        logger.error("payment failed " + marker, { order: "7" });
        logger.warn("late " + marker);
        logger.info("shipped " + marker);
        // close() sends the batch (one push of three streams, one per level) and waits for the answer.
        setImmediate(async () => { await transport.close(); process.exit(failed ? 2 : 0); });
        """;

    private readonly SidecarFixture sidecar;
    private readonly KeyDirectory keys = new();
    private readonly IngestFactory factory;
    private readonly string acme;
    private readonly string directory = ScratchDirectory.NewPath("logdapr-tests", "winston-loki");

    public LokiClientTests(SidecarFixture sidecar)
    {
        this.sidecar = sidecar;
        acme = keys.Add("acme");
        factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, new Dictionary<string, string>
        {
            ["Auth:Enabled"] = "true",
            ["Auth:KeysPath"] = keys.Path,
        });
    }

    public void Dispose()
    {
        factory.Dispose();
        keys.Dispose();
        ScratchDirectory.Remove(directory);
    }

    [Theory]
    [InlineData(false, "application/x-protobuf")]
    [InlineData(true, "application/json")]
    public async Task Winston_loki_pushes_are_counted_once_with_the_mapped_service_severity_and_tenant(bool json, string contentType)
    {
        var server = factory.StartOnKestrel();
        var marker = "run-" + Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "package.json"), """{"name":"logdapr-loki-client-test","private":true}""");
        await File.WriteAllTextAsync(Path.Combine(directory, "push.cjs"), Script);
        await RunAsync("npm", ["install", "winston@3.19.0", "winston-loki@6.1.7", "snappy@7.4.3", "--no-audit", "--no-fund", "--loglevel=error"], new Dictionary<string, string>());
        var before = await sidecar.PublishedAsync("logs");
        var started = DateTimeOffset.UtcNow;

        var output = await RunAsync("node", ["push.cjs"], new Dictionary<string, string>
        {
            ["LOKI_HOST"] = server.ToString().TrimEnd('/'),
            ["LOKI_KEY"] = acme,
            ["LOKI_JSON"] = json ? "1" : "0",
            ["MARKER"] = marker,
        });

        Assert.Contains("CONTENT-TYPE " + contentType, output, StringComparison.Ordinal);
        Assert.Equal(before + 1, await sidecar.PublishedAsync("logs"));
        var events = sidecar.PublishedEvents()
            .Where(e => e.GetProperty("message").GetString()!.Contains(marker, StringComparison.Ordinal))
            .ToDictionary(e => e.GetProperty("message").GetString()!.Split(' ')[0], e => e);
        Assert.Equal(new[] { "late", "payment", "shipped" }, events.Keys.Order(StringComparer.Ordinal));
        Assert.All(events.Values, e =>
        {
            Assert.Equal("acme", e.GetProperty("tenant_id").GetString());
            Assert.Equal("checkout", e.GetProperty("service").GetString());
            Assert.False(e.TryGetProperty("attributes", out var attributes) && attributes.TryGetProperty("app", out _));
        });
        Assert.Equal("error", events["payment"].GetProperty("severity").GetString());
        Assert.Equal("warn", events["late"].GetProperty("severity").GetString());
        Assert.Equal("info", events["shipped"].GetProperty("severity").GetString());
        if (json)
        {
            // winston-loki sends a log call's metadata as the entry's structured metadata only in JSON.
            Assert.Equal("7", events["payment"].GetProperty("attributes").GetProperty("order").GetString());
        }

        // The entry's own timestamp (winston-loki stamps it when logged, in milliseconds).
        var stamped = DateTimeOffset.Parse(events["payment"].GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(stamped >= started.AddMilliseconds(-1), $"timestamp {stamped:O} is before the client ran ({started:O})");
    }

    private async Task<string> RunAsync(string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var run = await CommandResult.RunAsync(directory, file, args, environment);
        Assert.True(run.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {run.ExitCode}:\n{run.StandardOutput}\n{run.StandardError}\n{factory.Logs.All}");
        return run.StandardOutput;
    }
}
