using System.CommandLine;
using System.CommandLine.Parsing;

namespace LogDapr.DevSidecar.Cli;

/// <summary>
/// daprd-style command line (System.CommandLine, see <see cref="SidecarFlags"/>) into <see cref="SidecarOptions"/>,
/// with the checks that span several flags.
/// </summary>
public static class CommandLine
{
    // No response files (@file) and no bundling of single-letter flags: daprd's Go flags know neither.
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    public sealed record Result(SidecarOptions? Options, bool ShowHelp, IReadOnlyList<string> Errors);

    public static string HelpText => SidecarHelp.Text;

    public static Result Parse(IReadOnlyList<string> args, Func<string, string?>? environment = null)
    {
        var flags = new SidecarFlags(environment ?? Environment.GetEnvironmentVariable);
        var parse = flags.Command.Parse(args, Configuration);
        var showHelp = parse.GetValue(flags.Help);
        if (parse.Errors.Count > 0)
        {
            return new Result(null, showHelp, Messages(parse));
        }

        var errors = new List<string>();
        var (apps, clientApps) = ReadApps(parse.GetValue(flags.Apps)!, errors);
        var appProtocol = parse.GetValue(flags.AppProtocol)!;
        if (!Cli.AppProtocol.TryApply(appProtocol, apps, out var error))
        {
            errors.Add(error!);
        }

        var appPorts = ReadAppPorts(parse.GetValue(flags.AppPorts)!, errors);
        var options = new SidecarOptions
        {
            ResourcesPaths = parse.GetValue(flags.ResourcesPaths)!,
            Apps = apps,
            ClientApps = clientApps,
            AppPorts = appPorts,
            AppId = parse.GetValue(flags.AppId)!,
            HttpPort = parse.GetValue(flags.HttpPort),
            GrpcPort = parse.GetValue(flags.GrpcPort),
            MaxBodySize = parse.GetValue(flags.MaxBodySize),
            ListenAddress = parse.GetValue(flags.ListenAddress)!,
            DataDir = parse.GetValue(flags.DataDir),
            ApiToken = NullIfEmpty(parse.GetValue(flags.ApiToken)),
            AppApiToken = NullIfEmpty((environment ?? Environment.GetEnvironmentVariable)("APP_API_TOKEN")),
            LogLevel = parse.GetValue(flags.LogLevel),
            LogAsJson = parse.GetValue(flags.LogAsJson),
            MaxPendingPerTopic = parse.GetValue(flags.MaxPendingPerTopic),
            PayloadMemoryBudgetBytes = parse.GetValue(flags.PayloadMemoryMb) * 1024L * 1024,
            JournalSegmentBytes = parse.GetValue(flags.JournalSegmentMb) * 1024L * 1024,
            JournalFsync = parse.GetValue(flags.JournalFsync),
            AppProbeInterval = parse.GetValue(flags.AppProbeInterval),
            DefaultDeliveryConcurrency = parse.GetValue(flags.DeliveryConcurrency),
            RedeliverSuccessful = parse.GetValue(flags.RedeliverSuccessful),
            DeliveryDelay = parse.GetValue(flags.DeliveryDelay),
            ChaosBulkPublishPartial = parse.GetValue(flags.ChaosBulkPublishPartial),
            ChaosPublishAckDelay = parse.GetValue(flags.ChaosPublishAckDelay),
            BenchDiscardPublishes = parse.GetValue(flags.BenchDiscardPublishes),
            AppHealth = new AppHealthCheck(
                parse.GetValue(flags.EnableAppHealthCheck),
                parse.GetValue(flags.AppHealthCheckPath)!,
                TimeSpan.FromSeconds(parse.GetValue(flags.AppHealthProbeInterval)),
                TimeSpan.FromMilliseconds(parse.GetValue(flags.AppHealthProbeTimeout)),
                parse.GetValue(flags.AppHealthThreshold)),
        };

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

        if (!showHelp && options.AppHealth.Enabled && options.AppHealth.ProbeTimeout > options.AppHealth.ProbeInterval)
        {
            // daprd refuses to start probing (pkg/apphealth/health.go StartProbes).
            errors.Add("app health checks probe timeouts must be smaller than probe intervals");
        }

        return new Result(errors.Count == 0 ? options : null, showHelp, errors);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>System.CommandLine's errors in the sidecar's own words (runners and people match them).</summary>
    private static List<string> Messages(ParseResult parse)
    {
        var messages = parse.UnmatchedTokens
            .Select(token => token.StartsWith('-') ? $"unknown flag --{token.TrimStart('-').Split('=')[0]}" : $"unexpected argument '{token}'")
            .ToList();
        foreach (var error in parse.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult { Tokens.Count: 0 } option:
                    messages.Add($"{option.Option.Name} needs a value");
                    break;
                case OptionResult or ArgumentResult:
                    messages.Add(error.Message);
                    break;
            }
        }

        // Anything else System.CommandLine reports that is not an unmatched token stays as it says it.
        return messages.Count > 0 ? messages : [.. parse.Errors.Select(e => e.Message)];
    }

    /// <summary>--app id=url serves an app, --app id names a client-only one; an id may appear once in either form.</summary>
    private static (List<AppTarget> Apps, List<string> ClientApps) ReadApps(IEnumerable<string> specs, List<string> errors)
    {
        var apps = new List<AppTarget>();
        var clientApps = new List<string>();
        foreach (var spec in specs)
        {
            if (!spec.Contains('=', StringComparison.Ordinal))
            {
                var clientId = spec.Trim();
                if (clientId.Length == 0 || clientId.StartsWith('-') || apps.Any(a => a.AppId == clientId) || clientApps.Contains(clientId))
                {
                    errors.Add($"--app '{clientId}' is empty or given twice");
                }
                else
                {
                    clientApps.Add(clientId);
                }
            }
            else if (!AppTarget.TryParse(spec, out var app, out var appError))
            {
                errors.Add(appError!);
            }
            else if (apps.Any(a => a.AppId == app!.AppId) || clientApps.Contains(app!.AppId))
            {
                errors.Add($"--app {app!.AppId} given twice");
            }
            else
            {
                apps.Add(app);
            }
        }

        return (apps, clientApps);
    }

    private static Dictionary<string, (int, int)> ReadAppPorts(IEnumerable<string> specs, List<string> errors)
    {
        var ports = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        foreach (var text in specs)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            var pair = eq > 0 ? text[(eq + 1)..].Split(':') : [];
            if (eq <= 0 || pair.Length != 2)
            {
                errors.Add($"--app-ports expects <appId>=<httpPort>:<grpcPort>, got '{text}'");
                continue;
            }

            var id = text[..eq].Trim();
            var http = Port(pair[0], errors);
            var grpc = Port(pair[1], errors);
            if (!ports.TryAdd(id, (http, grpc)))
            {
                errors.Add($"--app-ports {id} given twice");
            }
        }

        return ports;
    }

    private static int Port(string text, List<string> errors)
    {
        if (FlagValues.Port(text) is { } port)
        {
            return port;
        }

        errors.Add(FlagValues.PortError("app-ports", text));
        return 0;
    }
}
