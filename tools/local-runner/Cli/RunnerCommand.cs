using System.CommandLine;
using LogDapr.LocalRunner.Demo;
using LogDapr.LocalStack.Pipeline;
using Spectre.Console;

namespace LogDapr.LocalRunner.Cli;

/// <summary>
/// `dotnet run --project tools/local-runner`: the whole pipeline on this machine with no Docker, cluster or Dapr
/// CLI — Postgres from the machine's binaries, the development sidecar in place of daprd, both services — then
/// sample traffic and the metrics read back. Keeps running until Ctrl+C unless --exit-after-demo.
/// </summary>
public static class RunnerCommand
{
    public static RootCommand Create()
    {
        var exitAfterDemo = new Option<bool>("--exit-after-demo") { Description = "Stop everything after printing the demo results." };
        var events = new Option<int>("--events") { Description = "Sample events to send.", DefaultValueFactory = _ => 5000 };
        var noDemo = new Option<bool>("--no-demo") { Description = "Start the pipeline without sending sample traffic." };
        var stateDirectory = new Option<string>("--state-dir")
        {
            Description = "Where Postgres data, the sidecar journal and logs live (kept between runs).",
            DefaultValueFactory = _ => DefaultStateDirectory(),
        };

        var rules = new Option<FileInfo?>("--rules")
        {
            Description = "A processing rules document (YAML, the LogPipeline's spec.processing; e.g. config/processing.yaml): runs the processor "
                + "between the raw topic and the counter and the store. Changes to the file apply while running.",
        };
        rules.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<FileInfo?>() is { Exists: false } file)
            {
                result.AddError($"--rules: {file.FullName} does not exist");
            }
        });

        var routes = new Option<FileInfo?>("--routes")
        {
            Description = "A routes document (YAML, routes: [...], the LogPipeline's spec.routes): runs the router, which sends matching events "
                + "to the routes' Dapr output bindings (declare them in --route-components). Read at start.",
        };
        var routeComponents = new Option<DirectoryInfo?>("--route-components")
        {
            Description = "A directory of Dapr components (e.g. bindings.http webhooks) the sidecar loads besides components/, for --routes.",
        };
        routes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<FileInfo?>() is { Exists: false } file)
            {
                result.AddError($"--routes: {file.FullName} does not exist");
            }
        });
        routeComponents.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<DirectoryInfo?>() is { Exists: false } directory)
            {
                result.AddError($"--route-components: {directory.FullName} does not exist");
            }
        });

        var tls = new Option<bool>("--tls")
        {
            Description = "Serve ingest, the query API and the log store over HTTPS with a CA and a localhost certificate generated for this run "
                + "(<state-dir>/run/tls/ca.crt; use curl --cacert).",
        };

        var command = new RootCommand("Run the LogDapr pipeline locally (development sidecar, no Docker/Kubernetes/Dapr CLI needed).")
        {
            exitAfterDemo, events, noDemo, stateDirectory, rules, routes, routeComponents, tls,
        };
        command.Subcommands.Add(ApiKeyCommand.Create());
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(exitAfterDemo), parse.GetValue(events), parse.GetValue(noDemo), parse.GetValue(stateDirectory)!, parse.GetValue(rules),
            parse.GetValue(routes), parse.GetValue(routeComponents), parse.GetValue(tls), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool exitAfterDemo, int events, bool noDemo, string stateDirectory, FileInfo? rules, FileInfo? routes, DirectoryInfo? routeComponents,
        bool tls, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Console;
        console.Write(new Rule("[bold]LogDapr local runner[/]"));
        console.MarkupLine("[yellow]Dapr here is the repo's development sidecar (tools/dev-sidecar): a test/development stand-in for daprd, not the production path.[/]");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var signals = StopSignals.Register(stop, () => console.MarkupLine("[yellow]Still stopping; Postgres is shut down cleanly so the next run can start.[/]"));
        IDisposable stateLock;
        try
        {
            stateLock = StateDirectoryLock.Acquire(stateDirectory);
        }
        catch (InvalidOperationException ex)
        {
            console.MarkupLineInterpolated($"[red]{ex.Message}[/]");
            return 2;
        }

        using var heldLock = stateLock;

        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions
        {
            RunDirectory = Path.Combine(stateDirectory, "run"),
            PostgresDirectory = Path.Combine(stateDirectory, "postgres"),
            DurablePostgres = true,
            AllowPostgresInstall = true,
            PreferConventionalPorts = true,
            ProcessingRulesFile = rules?.FullName,
            RoutesFile = routes?.FullName,
            RouteComponentsDirectory = routeComponents?.FullName,
            Tls = tls,
            Report = message => console.MarkupLineInterpolated($"[grey]{message}[/]"),
        }, stop.Token).ConfigureAwait(false);

        using var client = new PipelineClient(pipeline.IngestUrl, pipeline.AggregatorUrl, pipeline.SidecarHttpUrl, pipeline.StoreUrl, pipeline.TrustingHandler());
        console.MarkupLine("[yellow]Authentication is OFF for this local run (Auth__Enabled=false): every request is accepted without an API key.[/]");
        console.MarkupLineInterpolated($"[green]Pipeline up.[/] ingest {pipeline.IngestUrl} (OTLP/gRPC {pipeline.IngestOtlpGrpcUrl})  query API {pipeline.AggregatorUrl}  log store {pipeline.StoreUrl}  Dapr HTTP {pipeline.SidecarHttpUrl}  Postgres 127.0.0.1:{pipeline.Postgres.Port}");
        if (pipeline.Tls is { } files)
        {
            // Plain output: the path and the fingerprint are copied, so they must not be wrapped at the terminal width.
            Console.Out.WriteLine($"TLS on: CA {files.CaFile}; server certificate SHA-256 {files.Fingerprint} (localhost, 127.0.0.1; TLS 1.2+)");
        }

        if (pipeline.Processor is not null)
        {
            console.MarkupLineInterpolated($"[green]Processing on:[/] rules {rules!.FullName} (edit the file: valid changes apply within a second, invalid ones are refused and logged in {pipeline.Processor.LogPath})");
        }

        if (pipeline.Router is not null)
        {
            console.MarkupLineInterpolated($"[green]Routing on:[/] routes {routes!.FullName}; the router on {pipeline.RouterUrl} logs to {pipeline.Router.LogPath}");
        }

        if (!noDemo)
        {
            var outcome = await new DemoScenario(client, console).RunAsync(events, stop.Token).ConfigureAwait(false);
            await new DemoReport(client, console).PrintAsync(outcome, stop.Token).ConfigureAwait(false);
        }

        PrintTryIt(console, pipeline);
        if (exitAfterDemo)
        {
            return 0;
        }

        console.MarkupLine("Running. Press [bold]Ctrl+C[/] to stop everything.");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        console.MarkupLine("Stopping ingest, aggregator, store, sidecar and Postgres...");
        return 0;
    }

    private static void PrintTryIt(IAnsiConsole console, LocalPipeline pipeline)
    {
        console.Write(new Rule("Try it"));
        // Plain output: copyable commands must not be wrapped at the terminal width.
        var curl = pipeline.Tls is { } tls ? $"curl --cacert {tls.CaFile}" : "curl";
        Console.Out.WriteLine($$"""
            {{curl}} -i -X POST {{pipeline.IngestUrl}}v1/logs -H 'Content-Type: application/json' \
              -d '{"tenant_id":"acme","service":"checkout","severity":"error","message":"card declined"}'
            {{curl}} '{{pipeline.AggregatorUrl}}v1/metrics?tenant=acme&step=1m'
            {{curl}} '{{pipeline.AggregatorUrl}}v1/dead-letters'
            {{curl}} -G '{{pipeline.StoreUrl}}v1/logs' --data-urlencode 'tenant=acme' --data-urlencode 'q="card declined"' --data-urlencode 'min_severity=warn'
            {{curl}} -N '{{pipeline.StoreUrl}}v1/logs/tail?tenant=acme&service=checkout'
            curl -X POST {{pipeline.SidecarHttpUrl}}v1.0/publish/logdapr-pubsub/logs -H 'Content-Type: application/json' \
              -d '{"events":[{"tenant_id":"acme","service":"cron","severity":"info","message":"from any language"}]}'
            Logs: {{Path.GetDirectoryName(pipeline.Ingest.LogPath)}}
            """);
    }

    /// <summary>Outside the clone, because as root Postgres runs as the 'postgres' user, which may not reach the clone.</summary>
    private static string DefaultStateDirectory()
    {
        var repo = AppContext.BaseDirectory;
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(repo)))[..12];
        return Path.Combine(Path.GetTempPath(), $"logdapr-local-{hash}");
    }
}
