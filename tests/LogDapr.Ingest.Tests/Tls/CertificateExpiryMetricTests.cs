using System.Globalization;
using LogDapr.Ingest.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.Tls;

/// <summary>GET /metrics tells how long the served certificate has left, so operators can alert before it expires.</summary>
/// <remarks>
/// Isolated: every TLS-serving ingest hosted in this process at the same time feeds this one's exporter (OpenTelemetry
/// listens to meters by name), which once gave the plain-HTTP app a value and the TLS app two series.
/// </remarks>
[Collection(IsolatedMetricsCollection.Name)]
public sealed class CertificateExpiryMetricTests(SidecarFixture sidecar) : IClassFixture<SidecarFixture>
{
    private const string Series = "logdapr_tls_certificate_expiry_seconds";

    private static double? Value(string metrics)
    {
        var line = metrics.Split('\n').SingleOrDefault(l => l.StartsWith(Series + " ", StringComparison.Ordinal) || l.StartsWith(Series + "{", StringComparison.Ordinal));
        return line is null ? null : double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_seconds_until_the_served_certificate_expires_are_exported()
    {
        using var rig = new IngestTlsRig(sidecar, otlpGrpc: false);
        using var client = rig.Tls.Client(rig.Https);
        var before = (rig.Tls.Files.Server.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalSeconds;

        var metrics = await client.GetStringAsync("/metrics");

        var after = (rig.Tls.Files.Server.NotAfter.ToUniversalTime() - DateTime.UtcNow).TotalSeconds;
        var value = Value(metrics);
        Assert.True(value is not null, $"{Series} is not exported:\n{metrics}");
        // The certificate's NotAfter has whole seconds: the gauge lies between the two readings, give or take one.
        Assert.InRange(value!.Value, after - 1, before + 1);
        Assert.Contains("# TYPE " + Series + " gauge", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_http_exports_no_certificate_expiry()
    {
        using var factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort);

        var metrics = await factory.CreateClient().GetStringAsync("/metrics");

        Assert.Null(Value(metrics));
    }
}
