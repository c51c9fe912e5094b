using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;

namespace LogDapr.Operator.Tests;

/// <summary>An ingest Service reachable from outside the cluster requires API keys (CEL rule, and the operator's own check).</summary>
public sealed class IngestExposureTests
{
    private const string Base = "  pubsub:\n    type: redis\n    redis: {host: \"redis:6379\"}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n";

    [Theory]
    [InlineData("LoadBalancer")]
    [InlineData("NodePort")]
    public void An_external_service_without_auth_is_refused(string type)
    {
        var e = Assert.Throws<InvalidPipelineException>(() => Rendered.Render(Rendered.Pipeline(Base + $"  ingest:\n    service: {{type: {type}}}\n")));
        Assert.Contains($"ingest.auth.enabled must be true when ingest.service.type is {type}", e.Message, StringComparison.Ordinal);
        Assert.Contains("allowUnauthenticated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_external_service_with_auth_or_an_explicit_opt_out_is_rendered()
    {
        var withAuth = Rendered.Render(Rendered.Pipeline(Base + "  ingest:\n    service: {type: LoadBalancer}\n    auth: {enabled: true, apiKeysSecretName: keys}\n"));
        Assert.Equal("LoadBalancer", Rendered.Find(withAuth, KnownResources.Services, "p-ingest")["spec"]!["type"]!.GetValue<string>());
        var optedOut = Rendered.Render(Rendered.Pipeline(Base + "  ingest:\n    service: {type: NodePort, allowUnauthenticated: true}\n"));
        Assert.Equal("NodePort", Rendered.Find(optedOut, KnownResources.Services, "p-ingest")["spec"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void The_default_service_is_cluster_internal()
    {
        var result = Rendered.Render(Rendered.Pipeline(Base));
        Assert.Equal("ClusterIP", Rendered.Find(result, KnownResources.Services, "p-ingest")["spec"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public void The_service_serves_otlp_grpc_on_4317_and_the_http_port_cannot_take_it()
    {
        var result = Rendered.Render(Rendered.Pipeline(Base + "  ingest:\n    service: {port: 8080}\n"));
        var ports = Rendered.Find(result, KnownResources.Services, "p-ingest")["spec"]!["ports"]!.AsArray()
            .Select(p => (p!["name"]!.GetValue<string>(), p["port"]!.GetValue<int>()));
        Assert.Equal([("http", 8080), ("otlp-grpc", 4317)], ports);

        var e = Assert.Throws<InvalidPipelineException>(() => Rendered.Render(Rendered.Pipeline(Base + "  ingest:\n    service: {port: 4317}\n")));
        Assert.Contains("ingest.service.port cannot be 4317", e.Message, StringComparison.Ordinal);
    }
}
