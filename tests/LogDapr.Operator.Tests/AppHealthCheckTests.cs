using LogDapr.Operator.Kubernetes;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>
/// daprd pauses subscriptions while the app is unhealthy only with app health checks on (dapr/dapr v1.16.0
/// pkg/runtime/runtime.go appHealthChanged); without them an unreachable aggregator uses up delivery attempts.
/// Annotation names and units from dapr/dapr v1.16.0 pkg/injector/annotations/annotations.go and
/// pkg/injector/patcher/sidecar.go (interval in seconds, timeout in milliseconds, threshold in failures).
/// </summary>
public sealed class AppHealthCheckTests
{
    private const string Base = "  pubsub: {type: redis, redis: {host: \"redis:6379\"}}\n  postgres: {connectionStringSecretKeyRef: {name: pg, key: connectionString}}\n";

    [Fact]
    public void The_aggregator_gets_app_health_checks_on_its_readiness_endpoint_by_default()
    {
        var aggregator = Find(Sample("redis.yaml"), KnownResources.Deployments, "logs-aggregator");
        Assert.Equal("true", Annotation(aggregator, "dapr.io/enable-app-health-check"));
        // /readyz: answers 200 only while Postgres and the sidecar are reachable and the schema is migrated, so
        // daprd stops delivering exactly while the aggregator could only ask for retries.
        Assert.Equal("/readyz", Annotation(aggregator, "dapr.io/app-health-check-path"));
        Assert.Equal("5", Annotation(aggregator, "dapr.io/app-health-probe-interval"));
        Assert.Equal("3000", Annotation(aggregator, "dapr.io/app-health-probe-timeout"));
        Assert.Equal("3", Annotation(aggregator, "dapr.io/app-health-threshold"));
    }

    [Fact]
    public void Ingest_gets_no_app_health_check_because_nothing_is_delivered_to_it()
    {
        var ingest = Find(Sample("redis.yaml"), KnownResources.Deployments, "logs-ingest");
        Assert.Null(Annotation(ingest, "dapr.io/enable-app-health-check"));
    }

    [Fact]
    public void App_health_check_settings_come_from_the_spec_and_can_be_turned_off()
    {
        var custom = Find(
            Render(Pipeline(Base + "  aggregator:\n    appHealthCheck: {path: /healthz, probeIntervalSeconds: 10, probeTimeoutMilliseconds: 1500, threshold: 6}\n")),
            KnownResources.Deployments,
            "p-aggregator");
        Assert.Equal("true", Annotation(custom, "dapr.io/enable-app-health-check"));
        Assert.Equal("/healthz", Annotation(custom, "dapr.io/app-health-check-path"));
        Assert.Equal("10", Annotation(custom, "dapr.io/app-health-probe-interval"));
        Assert.Equal("1500", Annotation(custom, "dapr.io/app-health-probe-timeout"));
        Assert.Equal("6", Annotation(custom, "dapr.io/app-health-threshold"));

        var off = Find(Render(Pipeline(Base + "  aggregator:\n    appHealthCheck: {enabled: false}\n")), KnownResources.Deployments, "p-aggregator");
        Assert.DoesNotContain(PodAnnotations(off), a => a.Key.StartsWith("dapr.io/app-health", StringComparison.Ordinal) || a.Key == "dapr.io/enable-app-health-check");
    }
}
