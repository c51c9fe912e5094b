using System.CommandLine;
using LogDapr.LoadGen.Http;
using LogDapr.LoadGen.Payload;
using LogDapr.LoadGen.Report;
using LogDapr.LoadGen.Runner;

namespace LogDapr.LoadGen.Cli;

/// <summary>
/// `dotnet run -c Release --project loadtest/loadgen -- --url http://ingest:8080 --rate 300 --events-per-request 500`:
/// an open-model run against any ingest endpoint, optionally verified through the metrics API.
/// </summary>
public static class LoadGenCommand
{
    public static RootCommand Create()
    {
        var url = new Option<string>("--url") { Description = "Ingest base URL (POST <url>/v1/logs).", Required = true };
        var metricsUrl = new Option<string?>("--metrics-url") { Description = "Aggregator base URL; when given, counts are read back and checked (exactly once, end-to-end lag)." };
        var rate = new Option<double>("--rate") { Description = "Requests per second (constant arrival rate).", DefaultValueFactory = _ => 100 };
        var duration = new Option<double>("--duration") { Description = "Seconds of sending.", DefaultValueFactory = _ => 30 };
        var eventsPerRequest = new Option<int>("--events-per-request") { Description = "1 = one event object per request; more = a JSON array.", DefaultValueFactory = _ => 1 };
        var tenants = new Option<int>("--tenants") { Description = "Tenants, one per request in rotation (unique to this run).", DefaultValueFactory = _ => 4 };
        var invalidShare = new Option<double>("--invalid-share") { Description = "Share of events made invalid on purpose (0..1).", DefaultValueFactory = _ => 0.0 };
        var eventBytes = new Option<int>("--event-bytes") { Description = "Approximate JSON size of one event.", DefaultValueFactory = _ => 200 };
        var concurrency = new Option<int>("--concurrency") { Description = "Most requests in flight; due requests beyond it are dropped and counted.", DefaultValueFactory = _ => 64 };
        var timeout = new Option<double>("--timeout") { Description = "Per-request timeout in seconds.", DefaultValueFactory = _ => 10 };
        var verifyTimeout = new Option<double>("--verify-timeout") { Description = "Seconds to wait for all accepted events to be counted.", DefaultValueFactory = _ => 120 };
        var apiKey = new Option<string?>("--api-key") { Description = $"API key (default: ${ApiKeyHeader.KeyEnvironmentVariable})." };
        var apiKeyHeader = new Option<string?>("--api-key-header") { Description = $"Header carrying the key (default: ${ApiKeyHeader.HeaderEnvironmentVariable} or {ApiKeyHeader.DefaultName}, as 'Bearer <key>')." };
        var tenantPrefix = new Option<string?>("--tenant-prefix") { Description = "Prefix of the run's tenant ids (default: a fresh random one)." };

        var command = new RootCommand("LogDapr load generator: open model (constant arrival rate), latency from the intended send time, counts verified through the metrics API.")
        {
            url, metricsUrl, rate, duration, eventsPerRequest, tenants, invalidShare, eventBytes, concurrency, timeout, verifyTimeout, apiKey, apiKeyHeader, tenantPrefix,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var payload = new PayloadOptions
            {
                EventsPerRequest = parse.GetValue(eventsPerRequest),
                Tenants = parse.GetValue(tenants),
                InvalidShare = parse.GetValue(invalidShare),
                EventBytes = parse.GetValue(eventBytes),
                TenantPrefix = parse.GetValue(tenantPrefix) ?? PayloadOptions.NewTenantPrefix(),
            };
            var options = new LoadTest.Options
            {
                Profile = new LoadProfile
                {
                    TargetUrl = new Uri(new Uri(parse.GetValue(url)!), "/v1/logs"),
                    RequestsPerSecond = parse.GetValue(rate),
                    Duration = TimeSpan.FromSeconds(parse.GetValue(duration)),
                    MaxInFlight = parse.GetValue(concurrency),
                    RequestTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                    ApiKey = ApiKeyHeader.Resolve(parse.GetValue(apiKey), parse.GetValue(apiKeyHeader)),
                },
                Payload = payload,
                MetricsUrl = parse.GetValue(metricsUrl) is { } metrics ? new Uri(metrics) : null,
                VerifyTimeout = TimeSpan.FromSeconds(parse.GetValue(verifyTimeout)),
            };

            Console.WriteLine($"tenants {payload.TenantId(0)} .. {payload.TenantId(payload.Tenants - 1)}");
            var (run, verification) = await LoadTest.RunAsync(options, progress: new Progress<string>(Console.WriteLine), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            Console.WriteLine();
            Console.Write(TextReport.Format(run, verification));
            return verification is { ExactlyOnce: false } || run.Errors > 0 ? 1 : 0;
        });
        return command;
    }
}
