using System.Globalization;
using LogDapr.DevSidecar.Resiliency;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Cli;

/// <summary>
/// daprd-style flag parsing. Hand-written rather than System.CommandLine because daprd accepts Go-style
/// flags (<c>-flag value</c>, <c>--flag=value</c>) and runners written for daprd should work unchanged.
/// </summary>
public static class CommandLine
{
    public sealed record Result(SidecarOptions? Options, bool ShowHelp, IReadOnlyList<string> Errors);

    public const string HelpText = """
        logdapr-dev-sidecar — DEVELOPMENT/TEST ONLY stand-in for daprd.

        Serves the Dapr sidecar API subset LogDapr uses (gRPC for the SDK, HTTP for curl/tests) with an
        embedded journaled broker, state stores with each component type's rules and a real PostgreSQL output binding.
        Never use it in production: run real Dapr there.

        Usage:
          logdapr-dev-sidecar --resources-path <dir> [--resources-path <dir>...]
                              --app <appId>=<baseUrl> [--app <appId>] [--app-ports <appId>=<http>:<grpc>]
                              [--app-id <id>] [--dapr-http-port 3500] [--dapr-grpc-port 50001] [--data-dir <dir>]

        daprd runs one sidecar per app; this process serves several apps over one shared broker and gives each app
        id its own HTTP/gRPC API pair, so every call is made as one app: its components (scopes), CloudEvent source,
        state key prefix and metadata are that app's.

        Options:
          --resources-path <dir>      Dapr resources (Component, Subscription v1alpha1/v2alpha1, Resiliency).
                                      Repeatable. Configuration kinds are ignored. (alias: --components-path)
          --app <appId>=<baseUrl>     An app served by this sidecar: subscriptions are discovered with
                                      GET <baseUrl>/dapr/subscribe and deliveries are POSTed to <baseUrl><route>.
                                      Repeatable: one sidecar serves several apps over one shared broker.
          --app <appId>               A client-only app id (it calls the API, nothing is delivered to it).
          --app-ports <id>=<h>:<g>    HTTP and gRPC API ports of that app id (0:0 or absent: free ports, printed
                                      as 'dev-sidecar app <id> http=<port> grpc=<port>').
          --app-id <id>               The app id of the --dapr-http-port/--dapr-grpc-port pair (default: dev-sidecar;
                                      may name an --app).
          --dapr-http-port <port>     HTTP API port of --app-id (default 3500; 0 picks a free port).
          --dapr-grpc-port <port>     gRPC API port of --app-id, h2c (default 50001; 0 picks a free port).
          --max-body-size <size>      Largest HTTP body / gRPC message the API accepts, as daprd's flag (default 4Mi;
                                      Ki/Mi/Gi or K/M/G suffixes, or bytes).
          --listen-address <ip>       Address both APIs bind to (default 127.0.0.1).
          --data-dir <dir>            Journal directory. Acknowledged publishes survive restarts and pending
                                      deliveries resume. Default: a temporary directory deleted at exit.
          --dapr-api-token <token>    Require this token in the dapr-api-token header/metadata
                                      (default: $DAPR_API_TOKEN if set).
          --log-level <level>         debug | info | warn | error (default info).
          --log-as-json               JSON log lines instead of plain text.
          --max-pending-per-topic <n> Publishes fail with RESOURCE_EXHAUSTED (HTTP 500) once a topic holds n
                                      unacknowledged messages (default 1000000). Component metadata
                                      'maxPendingPerTopic' overrides it per pub/sub component.
          --payload-memory-mb <n>     Payload bytes kept in memory; the rest is read back from the journal (default 256).
          --journal-segment-mb <n>    Journal segment size before rotation and compaction (default 64).
          --journal-fsync <bool>      fsync each group commit (default true). false is faster and loses
                                      acknowledged publishes on a machine crash (not on a process kill).
          --app-probe-interval <dur>  Probe interval for unreachable apps and subscription discovery (default 500ms).
          --delivery-concurrency <n>  In-flight deliveries per subscription when the component has no
                                      'concurrency' metadata (default 4).

        Chaos / test options:
          --redeliver-successful <n>  After a successful delivery, deliver the same message n more times
                                      (the worst case of at-least-once). Default 0.
          --delivery-delay <dur>      Wait this long before every delivery attempt (e.g. 50ms). Default 0.
          --chaos-bulk-publish-partial <p>
                                      With probability p (0..1) a bulk publish stores a random subset of its entries
                                      (possibly none, possibly all but one) durably, then fails the call exactly as
                                      daprd v1.16 fails a bulk publish with a failed entry. Default 0.
          --chaos-publish-ack-delay <dur>
                                      Store every publish durably, then wait this long before answering (a broker
                                      that took the message but answered late). Default 0.

        Diagnostics (development only):
          GET /v1.0-dev/topics        per topic: published, delivered, pending, dead-lettered, per-subscription attempts
          GET /v1.0-dev/apps          per app: discovery/health state

        Durations use Go syntax (250ms, 2s, 1m30s). On start-up one line is printed to stdout:
          dev-sidecar ready http=<port> grpc=<port>
        """;

    public static Result Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var errors = new List<string>();
        var options = new SidecarOptions { ApiToken = NullIfEmpty(environment("DAPR_API_TOKEN")) };
        var resources = new List<string>();
        var apps = new List<AppTarget>();
        var clientApps = new List<string>();
        var appPorts = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        var showHelp = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-'))
            {
                errors.Add($"unexpected argument '{arg}'");
                continue;
            }

            var name = arg.TrimStart('-');
            string? inlineValue = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                inlineValue = name[(eq + 1)..];
                name = name[..eq];
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }

                if (i + 1 < args.Count)
                {
                    return args[++i];
                }

                errors.Add($"--{name} needs a value");
                return "";
            }

            switch (name)
            {
                case "h" or "help" or "?":
                    showHelp = true;
                    break;
                case "resources-path" or "components-path":
                    resources.Add(Value());
                    break;
                case "app" when (inlineValue ?? (i + 1 < args.Count ? args[i + 1] : "")) is var spec && !spec.Contains('=', StringComparison.Ordinal):
                    var clientId = Value().Trim();
                    if (clientId.Length == 0 || clientId.StartsWith('-') || apps.Any(a => a.AppId == clientId) || clientApps.Contains(clientId))
                    {
                        errors.Add($"--app '{clientId}' is empty or given twice");
                    }
                    else
                    {
                        clientApps.Add(clientId);
                    }

                    break;
                case "app-ports":
                    ParseAppPorts(Value(), appPorts, errors);
                    break;
                case "max-body-size":
                    options = options with { MaxBodySize = Quantity(name, Value(), errors) };
                    break;
                case "chaos-bulk-publish-partial":
                    options = options with { ChaosBulkPublishPartial = Probability(name, Value(), errors) };
                    break;
                case "chaos-publish-ack-delay":
                    options = options with { ChaosPublishAckDelay = Duration(name, Value(), errors) };
                    break;
                case "app":
                    if (AppTarget.TryParse(Value(), out var app, out var appError))
                    {
                        if (apps.Any(a => a.AppId == app!.AppId) || clientApps.Contains(app!.AppId))
                        {
                            errors.Add($"--app {app!.AppId} given twice");
                        }
                        else
                        {
                            apps.Add(app!);
                        }
                    }
                    else
                    {
                        errors.Add(appError!);
                    }

                    break;
                case "app-id":
                    options = options with { AppId = Value() };
                    break;
                case "dapr-http-port":
                    options = options with { HttpPort = Port(name, Value(), errors) };
                    break;
                case "dapr-grpc-port":
                    options = options with { GrpcPort = Port(name, Value(), errors) };
                    break;
                case "listen-address" or "dapr-listen-addresses":
                    options = options with { ListenAddress = Value() };
                    break;
                case "data-dir":
                    options = options with { DataDir = Value() };
                    break;
                case "dapr-api-token":
                    options = options with { ApiToken = NullIfEmpty(Value()) };
                    break;
                case "log-level":
                    options = options with { LogLevel = ParseLogLevel(Value(), errors) };
                    break;
                case "log-as-json":
                    options = options with { LogAsJson = inlineValue is null || Bool(name, inlineValue, errors) };
                    break;
                case "max-pending-per-topic":
                    options = options with { MaxPendingPerTopic = PositiveInt(name, Value(), errors) };
                    break;
                case "payload-memory-mb":
                    options = options with { PayloadMemoryBudgetBytes = NonNegativeInt(name, Value(), errors) * 1024L * 1024 };
                    break;
                case "journal-segment-mb":
                    options = options with { JournalSegmentBytes = PositiveInt(name, Value(), errors) * 1024L * 1024 };
                    break;
                case "journal-fsync":
                    options = options with { JournalFsync = Bool(name, Value(), errors) };
                    break;
                case "app-probe-interval":
                    options = options with { AppProbeInterval = Duration(name, Value(), errors) };
                    break;
                case "delivery-concurrency":
                    options = options with { DefaultDeliveryConcurrency = PositiveInt(name, Value(), errors) };
                    break;
                case "redeliver-successful":
                    options = options with { RedeliverSuccessful = NonNegativeInt(name, Value(), errors) };
                    break;
                case "delivery-delay":
                    options = options with { DeliveryDelay = Duration(name, Value(), errors) };
                    break;
                default:
                    errors.Add($"unknown flag --{name}");
                    break;
            }
        }

        options = options with { ResourcesPaths = resources, Apps = apps, ClientApps = clientApps, AppPorts = appPorts };
        foreach (var id in appPorts.Keys.Where(id => id != options.AppId && !options.ApiAppIds.Contains(id)))
        {
            errors.Add($"--app-ports {id}: no --app {id} (or --app-id {id}) is given");
        }

        var fixedPorts = appPorts.Where(p => p.Key != options.AppId).SelectMany(p => new[] { p.Value.Item1, p.Value.Item2 })
            .Concat([options.HttpPort, options.GrpcPort]).Where(p => p != 0).ToList();
        if (!showHelp && fixedPorts.Count != fixedPorts.Distinct().Count())
        {
            errors.Add("every API port (--dapr-http-port, --dapr-grpc-port, --app-ports) must differ");
        }

        if (appPorts.TryGetValue(options.AppId, out var own))
        {
            options = options with { HttpPort = own.Item1, GrpcPort = own.Item2 };
        }

        return new Result(errors.Count == 0 ? options : null, showHelp, errors);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void ParseAppPorts(string text, Dictionary<string, (int, int)> ports, List<string> errors)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        var pair = eq > 0 ? text[(eq + 1)..].Split(':') : [];
        if (eq <= 0 || pair.Length != 2)
        {
            errors.Add($"--app-ports expects <appId>=<httpPort>:<grpcPort>, got '{text}'");
            return;
        }

        var id = text[..eq].Trim();
        var http = Port("app-ports", pair[0], errors);
        var grpc = Port("app-ports", pair[1], errors);
        if (!ports.TryAdd(id, (http, grpc)))
        {
            errors.Add($"--app-ports {id} given twice");
        }
    }

    private static double Probability(string name, string value, List<string> errors)
    {
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var p) && p is >= 0 and <= 1)
        {
            return p;
        }

        errors.Add($"--{name}: '{value}' is not a probability between 0 and 1");
        return 0;
    }

    /// <summary>A Kubernetes resource quantity as daprd's --max-body-size takes it (4Mi, 512Ki, 4M, 4194304).</summary>
    private static int Quantity(string name, string value, List<string> errors)
    {
        (string Suffix, long Factor)[] units = [("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("k", 1000), ("K", 1000), ("M", 1_000_000), ("G", 1_000_000_000)];
        var (suffix, factor) = units.FirstOrDefault(u => value.EndsWith(u.Suffix, StringComparison.Ordinal));
        var number = suffix is null ? value : value[..^suffix.Length];
        if (long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n * Math.Max(factor, 1) is var bytes && bytes is > 0 and <= int.MaxValue)
        {
            return (int)bytes;
        }

        errors.Add($"--{name}: '{value}' is not a size such as 4Mi");
        return 4 * 1024 * 1024;
    }

    private static int Port(string name, string value, List<string> errors)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535)
        {
            return port;
        }

        errors.Add($"--{name}: '{value}' is not a port number");
        return 0;
    }

    private static int PositiveInt(string name, string value, List<string> errors)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            return n;
        }

        errors.Add($"--{name}: '{value}' is not a positive integer");
        return 1;
    }

    private static int NonNegativeInt(string name, string value, List<string> errors)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }

        errors.Add($"--{name}: '{value}' is not a non-negative integer");
        return 0;
    }

    private static bool Bool(string name, string value, List<string> errors)
    {
        if (bool.TryParse(value, out var b))
        {
            return b;
        }

        errors.Add($"--{name}: '{value}' is not true or false");
        return false;
    }

    private static TimeSpan Duration(string name, string value, List<string> errors)
    {
        if (GoDuration.TryParse(value, out var d) && d >= TimeSpan.Zero)
        {
            return d;
        }

        errors.Add($"--{name}: '{value}' is not a duration (e.g. 250ms, 2s)");
        return TimeSpan.Zero;
    }

    private static LogLevel ParseLogLevel(string value, List<string> errors)
    {
        switch (value.ToLowerInvariant())
        {
            case "debug": return LogLevel.Debug;
            case "trace": return LogLevel.Trace;
            case "info" or "information": return LogLevel.Information;
            case "warn" or "warning": return LogLevel.Warning;
            case "error": return LogLevel.Error;
            case "fatal" or "critical": return LogLevel.Critical;
            default:
                errors.Add($"--log-level: '{value}' is not one of debug, info, warn, error");
                return LogLevel.Information;
        }
    }
}
