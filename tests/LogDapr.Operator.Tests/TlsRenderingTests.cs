using System.Text.Json.Nodes;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Secrets;
using LogDapr.Operator.Tests.Support;
using static LogDapr.Operator.Tests.Support.Rendered;

namespace LogDapr.Operator.Tests;

/// <summary>
/// spec.ingest.tls, spec.aggregator.tls, spec.postgres.tls and spec.ingest.rateLimit.tls as the pods see them: the Secrets mounted read-only as
/// directories (so a renewal reaches the pod), the services' Tls section pointing at the files, HTTPS probes and
/// Services, daprd told to speak HTTPS to the aggregator roles and given the Postgres files at the app's path.
/// </summary>
public sealed class TlsRenderingTests
{
    private static JsonObject Container(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    private static JsonObject Volume(JsonObject deployment, string name) =>
        deployment["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == name)!.AsObject();

    private static JsonObject? Mount(JsonObject deployment, string name) =>
        Container(deployment)["volumeMounts"]!.AsArray().SingleOrDefault(m => m!["name"]!.GetValue<string>() == name)?.AsObject();

    [Fact]
    public void Ingest_serves_https_from_the_mounted_tls_secret_with_the_client_ca()
    {
        var ingest = Find(Sample("tls.yaml"), KnownResources.Deployments, "logs-ingest");
        var env = Env(ingest);
        Assert.Equal("/etc/logdapr/tls/tls.crt", env["Tls__CertificateFile"]["value"]!.GetValue<string>());
        Assert.Equal("/etc/logdapr/tls/tls.key", env["Tls__KeyFile"]["value"]!.GetValue<string>());
        Assert.Equal("/etc/logdapr/tls/client-ca.crt", env["Tls__ClientCaFile"]["value"]!.GetValue<string>());
        Assert.Equal("Optional", env["Tls__ClientCertificates"]["value"]!.GetValue<string>());

        var mount = Mount(ingest, "tls")!;
        Assert.Equal("/etc/logdapr/tls", mount["mountPath"]!.GetValue<string>());
        Assert.True(mount["readOnly"]!.GetValue<bool>());
        // A directory mount: the kubelet swaps renewed files in place; a subPath mount would keep the old certificate.
        Assert.Null(mount["subPath"]);
        var sources = Volume(ingest, "tls")["projected"]!["sources"]!.AsArray();
        Assert.Equal("logs-ingest-tls", sources[0]!["secret"]!["name"]!.GetValue<string>());
        Assert.Equal(["tls.crt", "tls.key"], sources[0]!["secret"]!["items"]!.AsArray().Select(i => i!["key"]!.GetValue<string>()));
        Assert.Equal("ca.crt", sources[1]!["secret"]!["items"]![0]!["key"]!.GetValue<string>());
        Assert.Equal("client-ca.crt", sources[1]!["secret"]!["items"]![0]!["path"]!.GetValue<string>());

        Assert.Equal("HTTPS", Container(ingest)["readinessProbe"]!["httpGet"]!["scheme"]!.GetValue<string>());
        Assert.Equal("HTTPS", Container(ingest)["livenessProbe"]!["httpGet"]!["scheme"]!.GetValue<string>());
        var service = Find(Sample("tls.yaml"), KnownResources.Services, "logs-ingest");
        Assert.Equal("https", service["spec"]!["ports"]![0]!["appProtocol"]!.GetValue<string>());
        // Ingest receives nothing from daprd: its app channel stays as it was.
        Assert.Equal("http", Annotation(ingest, "dapr.io/app-protocol"));
    }

    [Fact]
    public void Every_aggregator_role_serves_https_and_its_sidecar_calls_it_over_https()
    {
        var result = Sample("tls.yaml");
        foreach (var deployment in result.Objects.Where(o => o.Type == KnownResources.Deployments && o.Name != "logs-ingest").Select(o => o.Object))
        {
            Assert.Equal("https", Annotation(deployment, "dapr.io/app-protocol"));
            Assert.Equal("/etc/logdapr/tls/tls.crt", Env(deployment)["Tls__CertificateFile"]["value"]!.GetValue<string>());
            Assert.False(Env(deployment).ContainsKey("Tls__ClientCaFile"));
            Assert.Equal("logs-aggregator-tls", Volume(deployment, "tls")["projected"]!["sources"]![0]!["secret"]!["name"]!.GetValue<string>());
            Assert.Equal("HTTPS", Container(deployment)["readinessProbe"]!["httpGet"]!["scheme"]!.GetValue<string>());
        }
        foreach (var service in result.Objects.Where(o => o.Type == KnownResources.Services && o.Name != "logs-ingest"))
        {
            Assert.Equal("https", service.Object["spec"]!["ports"]![0]!["appProtocol"]!.GetValue<string>());
        }
        Assert.Contains(result.SecretReferences, r => r.SecretName == "logs-aggregator-tls" && r.Key == "tls.key" && r.FieldPath == "spec.aggregator.tls.secretName");
    }

    [Fact]
    public void Without_tls_nothing_changes_plain_http_probes_and_services()
    {
        var result = Sample("redis.yaml");
        foreach (var deployment in result.Objects.Where(o => o.Type == KnownResources.Deployments).Select(o => o.Object))
        {
            Assert.Null(Container(deployment)["readinessProbe"]!["httpGet"]!["scheme"]);
            Assert.DoesNotContain(Env(deployment).Keys, k => k.StartsWith("Tls__", StringComparison.Ordinal));
            Assert.Null(Annotation(deployment, TlsFiles.DaprVolumeMountsAnnotation));
        }
        Assert.All(result.Objects.Where(o => o.Type == KnownResources.Services), s => Assert.Null(s.Object["spec"]!["ports"]![0]!["appProtocol"]));
    }

    [Fact]
    public void The_postgres_ca_is_mounted_at_one_path_in_the_aggregator_and_its_daprd_and_in_ingests_daprd_for_the_state_store()
    {
        var result = Sample("tls.yaml");
        var aggregator = Find(result, KnownResources.Deployments, "logs-aggregator");
        Assert.Equal("postgres-tls:/mnt/logdapr/postgres-tls", Annotation(aggregator, "dapr.io/volume-mounts"));
        Assert.Equal("/mnt/logdapr/postgres-tls", Mount(aggregator, "postgres-tls")!["mountPath"]!.GetValue<string>());
        var source = Volume(aggregator, "postgres-tls")["projected"]!["sources"]![0]!["secret"]!;
        Assert.Equal("postgres-ca", source["name"]!.GetValue<string>());
        Assert.Equal("ca.crt", source["items"]![0]!["path"]!.GetValue<string>());

        // The state store (on spec.postgres's string) runs in ingest's daprd: the volume is there, the app has no mount.
        var ingest = Find(result, KnownResources.Deployments, "logs-ingest");
        Assert.Equal("postgres-tls:/mnt/logdapr/postgres-tls", Annotation(ingest, "dapr.io/volume-mounts"));
        Assert.Null(Mount(ingest, "postgres-tls"));
        Assert.Contains(result.SecretReferences, r => r.SecretName == "postgres-ca" && r.Key == "ca.crt" && r.FieldPath == "spec.postgres.tls.caSecretKeyRef");
    }

    [Fact]
    public void A_renewed_serving_certificate_rolls_no_pod_but_a_new_postgres_ca_does()
    {
        // The services reload the serving files; daprd's pgx reads the Postgres files once, when its pool is made.
        var result = Sample("tls.yaml");
        var aggregator = result.Objects.Single(o => o.Type == KnownResources.Deployments && o.Name == "logs-aggregator");
        var references = PodSecretReferences.For(aggregator, result.Objects);
        Assert.DoesNotContain(references, r => r.Name == "logs-aggregator-tls");
        Assert.Contains(new SecretKeyRef("postgres-ca", "ca.crt"), references);
    }

    private const string RateLimitSpec = "  pubsub: {type: redis, redis: {host: \"redis:6379\"}}\n  postgres: {connectionStringSecretKeyRef: {name: pg, key: connectionString}}\n"
        + "  ingest:\n    rateLimit:\n      eventsPerSecond: 100\n      redisConnectionStringSecretKeyRef: {name: rl, key: connectionString}\n"
        + "      tls: {caSecretKeyRef: {name: redis-ca, key: ca.crt}, clientCertSecretKeyRef: {name: redis-client, key: tls.crt}, clientKeySecretKeyRef: {name: redis-client, key: tls.key}}\n";

    [Fact]
    public void The_rate_limit_redis_ca_and_client_certificate_are_a_directory_in_ingest_named_by_its_settings()
    {
        var result = Render(Pipeline(RateLimitSpec));
        var ingest = Find(result, KnownResources.Deployments, "p-ingest");
        var env = Env(ingest);
        Assert.Equal("/etc/logdapr/redis-tls/ca.crt", env["Ingest__RateLimit__RedisCaFile"]["value"]!.GetValue<string>());
        Assert.Equal("/etc/logdapr/redis-tls/tls.crt", env["Ingest__RateLimit__RedisCertificateFile"]["value"]!.GetValue<string>());
        Assert.Equal("/etc/logdapr/redis-tls/tls.key", env["Ingest__RateLimit__RedisKeyFile"]["value"]!.GetValue<string>());

        var mount = Mount(ingest, "redis-tls")!;
        Assert.Equal("/etc/logdapr/redis-tls", mount["mountPath"]!.GetValue<string>());
        Assert.True(mount["readOnly"]!.GetValue<bool>());
        Assert.Null(mount["subPath"]);
        var sources = Volume(ingest, "redis-tls")["projected"]!["sources"]!.AsArray();
        Assert.Equal(["redis-ca/ca.crt->ca.crt", "redis-client/tls.crt->tls.crt", "redis-client/tls.key->tls.key"], sources.Select(source =>
            $"{source!["secret"]!["name"]!.GetValue<string>()}/{source["secret"]!["items"]![0]!["key"]!.GetValue<string>()}->{source["secret"]!["items"]![0]!["path"]!.GetValue<string>()}"));
        // Ingest's own connection: daprd is not given the files.
        Assert.Null(Annotation(ingest, TlsFiles.DaprVolumeMountsAnnotation));
        Assert.Contains(result.SecretReferences, r => r.SecretName == "redis-ca" && r.Key == "ca.crt" && r.FieldPath == "spec.ingest.rateLimit.tls.caSecretKeyRef");
        Assert.Contains(result.SecretReferences, r => r.SecretName == "redis-client" && r.Key == "tls.key" && r.FieldPath == "spec.ingest.rateLimit.tls.clientKeySecretKeyRef");

        // Ingest reads the files at each new connection: a rotation rolls no pod.
        var references = PodSecretReferences.For(result.Objects.Single(o => o.Type == KnownResources.Deployments && o.Name == "p-ingest"), result.Objects);
        Assert.DoesNotContain(references, r => r.Name is "redis-ca" or "redis-client");
    }

    [Fact]
    public void Rate_limit_tls_needs_the_redis_connection_and_a_client_certificate_needs_its_key_in_the_schema()
    {
        Assert.Empty(SchemaErrors(Pipeline(RateLimitSpec)));
        Assert.Contains(SchemaErrors(Pipeline(RateLimitSpec.Replace(", clientKeySecretKeyRef: {name: redis-client, key: tls.key}", "", StringComparison.Ordinal))),
            e => e.Contains("ingest.rateLimit.tls.clientCertSecretKeyRef and ingest.rateLimit.tls.clientKeySecretKeyRef go together", StringComparison.Ordinal));
        Assert.Contains(SchemaErrors(Pipeline(RateLimitSpec.Replace("      redisConnectionStringSecretKeyRef: {name: rl, key: connectionString}\n", "", StringComparison.Ordinal))),
            e => e.Contains("ingest.rateLimit.tls needs ingest.rateLimit.redisConnectionStringSecretKeyRef", StringComparison.Ordinal));
    }

    private static readonly Support.CrdValidation.StructuralSchemaValidator Validator =
        Support.CrdValidation.StructuralSchemaValidator.FromCrd(LogDapr.Formats.Yaml.YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0].AsObject());

    private static IReadOnlyList<string> SchemaErrors(string yaml) => Validator.Validate(LogDapr.Formats.Yaml.YamlDocuments.Parse(yaml)[0].AsObject()).Errors;

    [Fact]
    public void A_postgres_client_certificate_needs_its_key_in_the_schema()
    {
        var spec = "  pubsub: {type: redis, redis: {host: \"redis:6379\"}}\n  postgres:\n    connectionStringSecretKeyRef: {name: pg, key: connectionString}\n"
            + "    tls: {caSecretKeyRef: {name: pg-ca, key: ca.crt}, clientCertSecretKeyRef: {name: pg-client, key: tls.crt}}\n";
        Assert.Contains(SchemaErrors(Pipeline(spec)), e => e.Contains("postgres.tls.clientCertSecretKeyRef and postgres.tls.clientKeySecretKeyRef go together", StringComparison.Ordinal));
        Assert.Empty(SchemaErrors(Pipeline(spec.Replace("key: tls.crt}}", "key: tls.crt}, clientKeySecretKeyRef: {name: pg-client, key: tls.key}}", StringComparison.Ordinal))));
    }

    [Fact]
    public void Client_certificates_need_a_ca_bundle_in_the_schema()
    {
        var spec = "  pubsub: {type: redis, redis: {host: \"redis:6379\"}}\n  postgres: {connectionStringSecretKeyRef: {name: pg, key: connectionString}}\n"
            + "  ingest: {tls: {secretName: ingest-tls, clientCertificates: Required}}\n";
        var errors = SchemaErrors(Pipeline(spec));
        Assert.Contains(errors, e => e.Contains("tls.clientCaSecretKeyRef is required unless tls.clientCertificates is None", StringComparison.Ordinal));
        Assert.Empty(SchemaErrors(Pipeline(spec.Replace("clientCertificates: Required", "clientCertificates: Required, clientCaSecretKeyRef: {name: ingest-tls, key: ca.crt}", StringComparison.Ordinal))));
    }

    [Fact]
    public void The_aggregator_cannot_require_client_certificates_because_daprd_presents_none()
    {
        var spec = "  pubsub: {type: redis, redis: {host: \"redis:6379\"}}\n  postgres: {connectionStringSecretKeyRef: {name: pg, key: connectionString}}\n"
            + "  aggregator: {tls: {secretName: agg-tls, clientCertificates: Required, clientCaSecretKeyRef: {name: agg-tls, key: ca.crt}}}\n";
        Assert.Contains(SchemaErrors(Pipeline(spec)), e => e.Contains("aggregator.tls.clientCertificates cannot be Required", StringComparison.Ordinal));
        Assert.Empty(SchemaErrors(Pipeline(spec.Replace("clientCertificates: Required", "clientCertificates: Optional", StringComparison.Ordinal))));
    }
}
