using System.Globalization;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Tests.Support;

namespace LogDapr.DevSidecar.Tests.Delivery;

/// <summary>The sidecar's JSON log lines carry RFC 3339 UTC timestamps that parsers accept.</summary>
public class LoggingTests
{
    [Fact]
    public async Task Json_log_timestamps_are_rfc3339_utc_without_a_trailing_space_in_any_local_time_zone()
    {
        using var dir = new TempDir();
        dir.Write("res/pubsub.yaml", Yaml.PubSubComponent());
        await using var sidecar = await SidecarProcess.StartAsync(
            new Dictionary<string, string> { ["TZ"] = "Asia/Tokyo" },
            "--resources-path", Path.Combine(dir.Path, "res"), "--dapr-http-port", "0", "--dapr-grpc-port", "0", "--log-as-json", "--data-dir", dir.Sub("data"));

        var line = sidecar.Output.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith('{') && l.Contains("\"Timestamp\"", StringComparison.Ordinal));
        var timestamp = (string)JsonNode.Parse(line)!["Timestamp"]!;
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", timestamp);
        var at = DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.InRange(at, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }
}
