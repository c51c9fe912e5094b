using LogDapr.DevSidecar.Cli;
using Microsoft.Extensions.Logging;

namespace LogDapr.DevSidecar.Tests.Unit;

public class CommandLineTests
{
    private static readonly Func<string, string?> NoEnv = _ => null;

    [Fact]
    public void Parses_daprd_style_flags_in_both_forms()
    {
        var result = CommandLine.Parse(
        [
            "--resources-path", "components", "--resources-path=more",
            "--app", "logdapr-aggregator=http://127.0.0.1:8081", "-app", "logdapr-ingest=http://127.0.0.1:8080",
            "--dapr-http-port", "3501", "--dapr-grpc-port=50002", "--data-dir", "/tmp/x", "--log-level", "debug",
            "--redeliver-successful", "2", "--delivery-delay", "15ms", "--max-pending-per-topic", "10", "--dapr-api-token", "s3cret",
        ], NoEnv);

        Assert.Empty(result.Errors);
        var o = result.Options!;
        Assert.Equal(["components", "more"], o.ResourcesPaths);
        Assert.Equal(["logdapr-aggregator", "logdapr-ingest"], o.Apps.Select(a => a.AppId));
        Assert.Equal("http://127.0.0.1:8081/", o.Apps[0].BaseUri.ToString());
        Assert.Equal((3501, 50002), (o.HttpPort, o.GrpcPort));
        Assert.Equal("/tmp/x", o.DataDir);
        Assert.Equal(LogLevel.Debug, o.LogLevel);
        Assert.Equal(2, o.RedeliverSuccessful);
        Assert.Equal(TimeSpan.FromMilliseconds(15), o.DeliveryDelay);
        Assert.Equal(10, o.MaxPendingPerTopic);
        Assert.Equal("s3cret", o.ApiToken);
    }

    [Theory]
    [InlineData("--app", "=http://127.0.0.1:1")]
    [InlineData("--app-ports", "nobody=1:2")]
    [InlineData("--chaos-bulk-publish-partial", "1.5")]
    [InlineData("--max-body-size", "lots")]
    [InlineData("--app", "x=ftp://host")]
    [InlineData("--dapr-http-port", "70000")]
    [InlineData("--log-level", "loud")]
    [InlineData("--delivery-delay", "soon")]
    [InlineData("--bogus", "1")]
    public void Rejects_bad_input_with_a_message(string flag, string value)
    {
        var result = CommandLine.Parse([flag, value], NoEnv);
        Assert.Null(result.Options);
        Assert.NotEmpty(result.Errors);
    }

    [Fact]
    public void Help_is_recognised_and_documents_the_chaos_flags()
    {
        Assert.True(CommandLine.Parse(["--help"], NoEnv).ShowHelp);
        Assert.Contains("--redeliver-successful", CommandLine.HelpText);
        Assert.Contains("--delivery-delay", CommandLine.HelpText);
        Assert.Contains("--chaos-bulk-publish-partial", CommandLine.HelpText);
        Assert.Contains("--chaos-publish-ack-delay", CommandLine.HelpText);
        Assert.Contains("DEVELOPMENT/TEST ONLY", CommandLine.HelpText);
    }

    [Fact]
    public void Each_app_id_gets_its_own_api_pair_and_client_apps_have_no_url()
    {
        var result = CommandLine.Parse(
        [
            "--app", "logdapr-aggregator=http://127.0.0.1:8081", "--app", "logdapr-ingest=http://127.0.0.1:8080", "--app", "logdapr-publisher",
            "--app-ports", "logdapr-ingest=3502:50003", "--app-id", "logdapr-publisher", "--dapr-http-port", "3500", "--dapr-grpc-port", "50001",
            "--max-body-size", "8Mi", "--chaos-bulk-publish-partial", "0.25", "--chaos-publish-ack-delay", "3s",
        ], NoEnv);

        Assert.Empty(result.Errors);
        var o = result.Options!;
        Assert.Equal(["logdapr-publisher", "logdapr-aggregator", "logdapr-ingest"], o.ApiAppIds);
        Assert.Equal(["logdapr-publisher"], o.ClientApps);
        Assert.Equal((3502, 50003), o.AppPorts["logdapr-ingest"]);
        Assert.Equal(8 * 1024 * 1024, o.MaxBodySize);
        Assert.Equal(0.25, o.ChaosBulkPublishPartial);
        Assert.Equal(TimeSpan.FromSeconds(3), o.ChaosPublishAckDelay);
        Assert.Equal(4 * 1024 * 1024, CommandLine.Parse([], NoEnv).Options!.MaxBodySize);
    }

    [Fact]
    public void Api_token_defaults_to_the_environment_like_daprd()
    {
        var result = CommandLine.Parse([], name => name == "DAPR_API_TOKEN" ? "from-env" : null);
        Assert.Equal("from-env", result.Options!.ApiToken);
    }

    [Fact]
    public void App_health_check_flags_use_daprds_names_units_and_defaults_and_the_app_token_comes_from_the_environment()
    {
        var defaults = CommandLine.Parse([], NoEnv).Options!;
        Assert.False(defaults.AppHealth.Enabled);
        Assert.Equal(("/healthz", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(500), 3),
            (defaults.AppHealth.Path, defaults.AppHealth.ProbeInterval, defaults.AppHealth.ProbeTimeout, defaults.AppHealth.Threshold));
        Assert.Null(defaults.AppApiToken);

        var result = CommandLine.Parse(
            ["--enable-app-health-check", "--app-health-check-path", "/livez", "--app-health-probe-interval", "2", "--app-health-probe-timeout", "750", "--app-health-threshold", "4"],
            name => name == "APP_API_TOKEN" ? "tok" : null);
        Assert.Empty(result.Errors);
        var health = result.Options!.AppHealth;
        Assert.Equal((true, "/livez", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(750), 4), (health.Enabled, health.Path, health.ProbeInterval, health.ProbeTimeout, health.Threshold));
        Assert.Equal("tok", result.Options.AppApiToken);

        Assert.Contains(CommandLine.Parse(["--enable-app-health-check", "--app-health-probe-interval", "1", "--app-health-probe-timeout", "1500"], NoEnv).Errors,
            e => e.Contains("probe timeouts must be smaller than probe intervals", StringComparison.Ordinal));
    }

    [Fact]
    public void Go_style_single_dash_flags_take_inline_values_and_a_repeated_flag_keeps_its_last_value()
    {
        var result = CommandLine.Parse(["-app=a=http://127.0.0.1:1", "-app-id=b", "--dapr-http-port", "1", "--dapr-http-port", "2", "--log-as-json"], NoEnv);

        Assert.Empty(result.Errors);
        var o = result.Options!;
        Assert.Equal(["a"], o.Apps.Select(a => a.AppId));
        Assert.Equal(("b", 2, true), (o.AppId, o.HttpPort, o.LogAsJson));
    }

    [Theory]
    [InlineData("unknown flag --bogus", "--bogus=1")]
    [InlineData("unexpected argument 'stray'", "stray")]
    [InlineData("--journal-fsync needs a value", "--journal-fsync")]
    [InlineData("--dapr-http-port: '70000' is not a port number", "-dapr-http-port=70000")]
    public void Errors_keep_the_sidecars_own_messages(string message, string arg) =>
        Assert.Equal([message], CommandLine.Parse([arg], NoEnv).Errors);

    [Fact]
    public void App_protocol_https_turns_every_app_url_to_https_and_other_protocols_are_refused()
    {
        var https = CommandLine.Parse(["--app", "agg=http://127.0.0.1:8081", "--app-protocol", "https"]);
        var grpc = CommandLine.Parse(["--app", "agg=http://127.0.0.1:8081", "--app-protocol", "grpc"]);
        var plain = CommandLine.Parse(["--app", "agg=http://127.0.0.1:8081"]);

        Assert.Equal("https://127.0.0.1:8081/", https.Options!.Apps.Single().BaseUri.ToString());
        Assert.Equal("http://127.0.0.1:8081/", plain.Options!.Apps.Single().BaseUri.ToString());
        Assert.Null(grpc.Options);
        Assert.Contains(grpc.Errors, e => e.Contains("--app-protocol 'grpc' is not supported", StringComparison.Ordinal));
        Assert.Contains("--app-protocol", CommandLine.HelpText, StringComparison.Ordinal);
    }
}
