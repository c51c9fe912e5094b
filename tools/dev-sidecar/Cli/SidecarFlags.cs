using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Cli;

/// <summary>
/// The sidecar's flags as System.CommandLine options. Every flag has daprd's Go-style single-dash spelling too
/// (<c>-app-id x</c>, <c>-app-id=x</c>), so runners written for daprd work unchanged. Defaults come from
/// <see cref="SidecarOptions"/>, the one place they are written.
/// </summary>
internal sealed class SidecarFlags
{
    private static readonly SidecarOptions Defaults = new();

    // A flag given twice keeps its last value, as Go's flag package does; each occurrence takes one value.
    private static readonly ArgumentArity LastWins = ArgumentArity.OneOrMore;

    public SidecarFlags(Func<string, string?> environment)
    {
        // daprd reads $DAPR_API_TOKEN when the flag is absent.
        ApiToken = Text<string?>("dapr-api-token", () => environment("DAPR_API_TOKEN"));
        Command = new Command("logdapr-dev-sidecar")
        {
            Help, ResourcesPaths, Apps, AppPorts, AppProtocol, AppId, HttpPort, GrpcPort, MaxBodySize, ListenAddress, DataDir, ApiToken,
            LogLevel, LogAsJson, MaxPendingPerTopic, PayloadMemoryMb, JournalSegmentMb, JournalFsync, AppProbeInterval,
            DeliveryConcurrency, RedeliverSuccessful, DeliveryDelay, ChaosBulkPublishPartial, ChaosPublishAckDelay, BenchDiscardPublishes,
            EnableAppHealthCheck, AppHealthCheckPath, AppHealthProbeInterval, AppHealthProbeTimeout, AppHealthThreshold,
        };
    }

    public Command Command { get; }

    public Option<bool> Help { get; } = new("--help", "-help", "-h", "-?");

    public Option<List<string>> ResourcesPaths { get; } = Repeatable("resources-path", "components-path");

    /// <summary><c>id=url</c> (an app that receives deliveries) or <c>id</c> (a client-only app), told apart later.</summary>
    public Option<List<string>> Apps { get; } = Repeatable("app");

    public Option<List<string>> AppPorts { get; } = Repeatable("app-ports");

    /// <summary>daprd's --app-protocol: http (default) or https, for every --app.</summary>
    public Option<string> AppProtocol { get; } = Text("app-protocol", () => Cli.AppProtocol.Http);

    public Option<string> AppId { get; } = Text("app-id", () => Defaults.AppId);

    public Option<int> HttpPort { get; } = Value("dapr-http-port", FlagValues.Port, FlagValues.PortError, Defaults.HttpPort);

    public Option<int> GrpcPort { get; } = Value("dapr-grpc-port", FlagValues.Port, FlagValues.PortError, Defaults.GrpcPort);

    public Option<int> MaxBodySize { get; } = Value("max-body-size", FlagValues.Quantity, FlagValues.QuantityError, Defaults.MaxBodySize);

    public Option<string> ListenAddress { get; } = Text("listen-address", () => Defaults.ListenAddress, "dapr-listen-addresses");

    public Option<string?> DataDir { get; } = Text("data-dir", () => Defaults.DataDir);

    public Option<string?> ApiToken { get; }

    public Option<LogLevel> LogLevel { get; } = Value("log-level", FlagValues.Level, FlagValues.LevelError, Defaults.LogLevel);

    public Option<bool> LogAsJson { get; } = Switch("log-as-json");

    public Option<int> MaxPendingPerTopic { get; } = Value("max-pending-per-topic", FlagValues.PositiveInt, FlagValues.PositiveIntError, Defaults.MaxPendingPerTopic);

    public Option<int> PayloadMemoryMb { get; } = Value("payload-memory-mb", FlagValues.NonNegativeInt, FlagValues.NonNegativeIntError, (int)(Defaults.PayloadMemoryBudgetBytes >> 20));

    public Option<int> JournalSegmentMb { get; } = Value("journal-segment-mb", FlagValues.PositiveInt, FlagValues.PositiveIntError, (int)(Defaults.JournalSegmentBytes >> 20));

    public Option<bool> JournalFsync { get; } = Value("journal-fsync", FlagValues.Bool, FlagValues.BoolError, Defaults.JournalFsync);

    public Option<TimeSpan> AppProbeInterval { get; } = Value("app-probe-interval", FlagValues.Duration, FlagValues.DurationError, Defaults.AppProbeInterval);

    public Option<int> DeliveryConcurrency { get; } = Value("delivery-concurrency", FlagValues.PositiveInt, FlagValues.PositiveIntError, Defaults.DefaultDeliveryConcurrency);

    public Option<int> RedeliverSuccessful { get; } = Value("redeliver-successful", FlagValues.NonNegativeInt, FlagValues.NonNegativeIntError, Defaults.RedeliverSuccessful);

    public Option<TimeSpan> DeliveryDelay { get; } = Value("delivery-delay", FlagValues.Duration, FlagValues.DurationError, Defaults.DeliveryDelay);

    public Option<double> ChaosBulkPublishPartial { get; } = Value("chaos-bulk-publish-partial", FlagValues.Probability, FlagValues.ProbabilityError, Defaults.ChaosBulkPublishPartial);

    public Option<TimeSpan> ChaosPublishAckDelay { get; } = Value("chaos-publish-ack-delay", FlagValues.Duration, FlagValues.DurationError, Defaults.ChaosPublishAckDelay);

    public Option<bool> BenchDiscardPublishes { get; } = Switch("bench-discard-publishes");

    public Option<bool> EnableAppHealthCheck { get; } = Switch("enable-app-health-check");

    public Option<string> AppHealthCheckPath { get; } = Text("app-health-check-path", () => AppHealthCheck.Disabled.Path);

    /// <summary>Seconds, as daprd's flag.</summary>
    public Option<int> AppHealthProbeInterval { get; } = Value("app-health-probe-interval", FlagValues.PositiveInt, FlagValues.PositiveIntError, (int)AppHealthCheck.Disabled.ProbeInterval.TotalSeconds);

    /// <summary>Milliseconds, as daprd's flag.</summary>
    public Option<int> AppHealthProbeTimeout { get; } = Value("app-health-probe-timeout", FlagValues.PositiveInt, FlagValues.PositiveIntError, (int)AppHealthCheck.Disabled.ProbeTimeout.TotalMilliseconds);

    public Option<int> AppHealthThreshold { get; } = Value("app-health-threshold", FlagValues.PositiveInt, FlagValues.PositiveIntError, AppHealthCheck.Disabled.Threshold);

    /// <summary>--name plus the single-dash form Go's flag package accepts, for the name and each alias.</summary>
    private static (string Name, string[] Aliases) Spellings(string name, string[] aliases) =>
        ($"--{name}", [$"-{name}", .. aliases.SelectMany(a => new[] { $"--{a}", $"-{a}" })]);

    private static Option<List<string>> Repeatable(string name, params string[] aliases)
    {
        var (primary, others) = Spellings(name, aliases);
        return new Option<List<string>>(primary, others) { Arity = ArgumentArity.ZeroOrMore, DefaultValueFactory = _ => [] };
    }

    private static Option<T> Text<T>(string name, Func<T> fallback, params string[] aliases)
    {
        var (primary, others) = Spellings(name, aliases);
        return new Option<T>(primary, others) { Arity = LastWins, AllowMultipleArgumentsPerToken = false, DefaultValueFactory = _ => fallback(), CustomParser = result => (T)(object)result.Tokens[^1].Value };
    }

    /// <summary>A flag that may stand alone (true) or carry a value inline (<c>--log-as-json=false</c>).</summary>
    private static Option<bool> Switch(string name)
    {
        var (primary, others) = Spellings(name, []);
        return new Option<bool>(primary, others);
    }

    private static Option<T> Value<T>(string name, Func<string, T?> read, Func<string, string, string> error, T fallback)
        where T : struct
    {
        var (primary, others) = Spellings(name, []);
        return new Option<T>(primary, others)
        {
            AllowMultipleArgumentsPerToken = false,
            Arity = LastWins,
            DefaultValueFactory = _ => fallback,
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (read(text) is { } value)
                {
                    return value;
                }

                result.AddError(error(name, text));
                return fallback;
            },
        };
    }
}
