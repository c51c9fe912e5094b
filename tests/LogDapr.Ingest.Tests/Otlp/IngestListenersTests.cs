using System.Globalization;
using LogDapr.Ingest.Hosting;
using LogDapr.Ingest.Tests.Support;
using LogDapr.LocalStack.Processes;
using Microsoft.Extensions.Configuration;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>The HTTP listeners ingest sets itself beside OTLP/gRPC come from the settings Kestrel would have read.</summary>
public sealed class IngestListenersTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] settings)
        => new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();

    [Fact]
    public void The_urls_setting_wins_then_the_http_ports_then_kestrels_default()
    {
        var fromUrls = IngestListeners.HttpAddresses(Settings(("urls", "http://+:8080; http://127.0.0.1:9000"), ("http_ports", "7000")), 4317);
        var fromPorts = IngestListeners.HttpAddresses(Settings(("HTTP_PORTS", "8080;8081")), 4317);
        var fallback = IngestListeners.HttpAddresses(Settings(), 4317);

        Assert.Equal([("+", 8080, null), ("127.0.0.1", 9000, null)], fromUrls);
        Assert.Equal([("*", 8080, null), ("*", 8081, null)], fromPorts);
        Assert.Equal([("localhost", 5000, null)], fallback);
    }

    [Theory]
    [InlineData("https://+:8443", "is not http://")]
    [InlineData("http://+:4317", "is also the port of the HTTP URL")]
    [InlineData("http://+:8080/ingest", "has a path")]
    [InlineData("127.0.0.1:8080", "cannot be read")]
    public void Urls_that_cannot_be_served_beside_grpc_stop_the_start_with_the_setting_named(string urls, string reason)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => IngestListeners.HttpAddresses(Settings(("urls", urls)), 4317));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Contains("Ingest:OtlpGrpcPort", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Https_ports_are_refused_beside_grpc()
    {
        var refused = Assert.Throws<InvalidOperationException>(() => IngestListeners.HttpAddresses(Settings(("https_ports", "8443")), 4317));

        Assert.Contains("HTTPS", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_certificate_https_urls_and_https_ports_are_listeners_like_http_ones()
    {
        var fromUrls = IngestListeners.HttpAddresses(Settings(("urls", "https://127.0.0.1:8443"), ("Tls:CertificateFile", "/tls/tls.crt")), 4317);
        var fromPorts = IngestListeners.HttpAddresses(Settings(("https_ports", "8443"), ("Tls:CertificateFile", "/tls/tls.crt")), 4317);

        Assert.Equal([("127.0.0.1", 8443, null)], fromUrls);
        Assert.Equal([("*", 8443, null)], fromPorts);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("65536")]
    public void A_grpc_port_out_of_range_stops_the_start(string port)
    {
        using var factory = IngestFactory.SidecarDown(new Dictionary<string, string> { ["Ingest:OtlpGrpcPort"] = port });

        var refused = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("OtlpGrpcPort", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_grpc_port_equal_to_the_http_port_stops_the_start()
    {
        var port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        using var factory = IngestFactory.SidecarDown(new Dictionary<string, string>
        {
            ["urls"] = $"http://127.0.0.1:{port}",
            ["Ingest:OtlpGrpcPort"] = port,
        });

        var refused = Assert.ThrowsAny<Exception>(() => factory.StartWithOtlpGrpc());

        Assert.Contains("give gRPC a port of its own", refused.ToString(), StringComparison.Ordinal);
    }
}
