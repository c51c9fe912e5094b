using System.Security.Cryptography.X509Certificates;
using System.Text;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>
/// The TLS Secrets a pipeline references are checked before anything is applied: a missing Secret or key, content
/// that is not PEM, a key that does not belong to its certificate, or a Postgres connection string that does not name
/// the mounted CA is a False Ready condition naming the Secret, the key and the spec field, and nothing is applied.
/// </summary>
public sealed class TlsSecretValidationTests
{
    private const string CorrectPostgres = "postgres://logdapr:hunter2-secret@pg:5432/logs?sslmode=verify-full&sslrootcert=/mnt/logdapr/postgres-tls/ca.crt";

    private static string Pipeline(string postgres = CorrectPostgres) =>
        Samples.Minimal
            .Replace("postgres://logdapr:change-me@pg:5432/logs?sslmode=require", postgres, StringComparison.Ordinal)
            + "\n    tls: {caSecretKeyRef: {name: pg-ca, key: ca.crt}}\n  ingest:\n    tls: {secretName: ingest-tls}\n";

    private const string RateLimit = "    rateLimit:\n      eventsPerSecond: 100\n      redisConnectionStringSecretKeyRef: {name: rl, key: connectionString}\n      tls: {caSecretKeyRef: {name: redis-ca, key: ca.crt}}\n";

    /// <summary>The pipeline with a rate limit through a TLS Redis, its Secrets applied as given (null: not applied).</summary>
    private static TestCluster RateLimitCluster(X509Certificate2 ca, string? redisCa, string connection = "redis:6380,ssl=true")
    {
        var server = PostgresTlsCertificates.Server(ca, "demo-ingest.team.svc");
        var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(TlsSecret("ingest-tls", server.Certificate, server.Key));
        cluster.Apply(CaSecret("pg-ca", "ca.crt", PostgresTlsCertificates.CertificatePem(ca)));
        cluster.Apply(CaSecret("rl", "connectionString", connection));
        if (redisCa is not null)
        {
            cluster.Apply(CaSecret("redis-ca", "ca.crt", redisCa));
        }
        cluster.Apply(Pipeline() + RateLimit);
        return cluster;
    }

    private static string TlsSecret(string name, string certificate, string key) =>
        $"apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}, namespace: team}}\ntype: kubernetes.io/tls\ndata: {{tls.crt: {B64(certificate)}, tls.key: {B64(key)}}}\n";

    private static string CaSecret(string name, string key, string pem) =>
        $"apiVersion: v1\nkind: Secret\nmetadata: {{name: {name}, namespace: team}}\ndata: {{{key}: {B64(pem)}}}\n";

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static async Task<string> BlockedMessageAsync(TestCluster cluster, string reason)
    {
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", reason);
        foreach (var type in KnownResources.Owned)
        {
            Assert.Empty(cluster.Server.All(type, "team"));
        }
        return TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message")!;
    }

    [Fact]
    public async Task Valid_tls_secrets_make_the_pipeline_ready()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        var server = PostgresTlsCertificates.Server(ca, "demo-ingest.team.svc");
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(TlsSecret("ingest-tls", server.Certificate, server.Key));
        cluster.Apply(CaSecret("pg-ca", "ca.crt", PostgresTlsCertificates.CertificatePem(ca)));
        cluster.Apply(Pipeline());
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
    }

    [Fact]
    public async Task A_missing_tls_secret_blocks_the_pipeline_naming_the_field()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(CaSecret("pg-ca", "ca.crt", PostgresTlsCertificates.CertificatePem(ca)));
        cluster.Apply(Pipeline());
        var message = await BlockedMessageAsync(cluster, PipelineConditions.Reasons.SecretNotFound);
        Assert.Contains("Secret \"ingest-tls\" (referenced by spec.ingest.tls.secretName) does not exist", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tls_secret_without_the_key_file_blocks_the_pipeline()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        var server = PostgresTlsCertificates.Server(ca, "demo-ingest.team.svc");
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(CaSecret("ingest-tls", "tls.crt", server.Certificate));
        cluster.Apply(CaSecret("pg-ca", "ca.crt", PostgresTlsCertificates.CertificatePem(ca)));
        cluster.Apply(Pipeline());
        var message = await BlockedMessageAsync(cluster, PipelineConditions.Reasons.SecretKeyNotFound);
        Assert.Contains("Secret \"ingest-tls\" has no key \"tls.key\" (referenced by spec.ingest.tls.secretName)", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_that_is_not_pem_blocks_the_pipeline_and_fixing_it_is_enough()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        var server = PostgresTlsCertificates.Server(ca, "demo-ingest.team.svc");
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(TlsSecret("ingest-tls", "not a certificate", server.Key));
        cluster.Apply(CaSecret("pg-ca", "ca.crt", PostgresTlsCertificates.CertificatePem(ca)));
        cluster.Apply(Pipeline());
        var message = await BlockedMessageAsync(cluster, PipelineConditions.Reasons.InvalidCertificate);
        Assert.Contains("Secret \"ingest-tls\" key \"tls.crt\" (spec.ingest.tls.secretName) holds no PEM certificate", message, StringComparison.Ordinal);

        var secret = cluster.Server.Get(KnownResources.Secrets, "team", "ingest-tls");
        secret["data"]!["tls.crt"] = B64(server.Certificate);
        cluster.Server.Update(KnownResources.Secrets, secret, "cert-manager");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
    }

    [Fact]
    public async Task A_key_of_another_certificate_blocks_the_pipeline_without_quoting_it()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        var server = PostgresTlsCertificates.Server(ca, "demo-ingest.team.svc");
        var other = PostgresTlsCertificates.Server(ca, "other.team.svc");
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(TlsSecret("ingest-tls", server.Certificate, other.Key));
        cluster.Apply(CaSecret("pg-ca", "ca.crt", PostgresTlsCertificates.CertificatePem(ca)));
        cluster.Apply(Pipeline());
        var message = await BlockedMessageAsync(cluster, PipelineConditions.Reasons.InvalidCertificate);
        Assert.Contains("Secret \"ingest-tls\" key \"tls.key\" (spec.ingest.tls.secretName) is not the private key of the first certificate", message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY-----", cluster.Pipeline("team", "demo").ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_postgres_ca_that_is_not_pem_blocks_the_pipeline()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        var server = PostgresTlsCertificates.Server(ca, "demo-ingest.team.svc");
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(TlsSecret("ingest-tls", server.Certificate, server.Key));
        cluster.Apply(CaSecret("pg-ca", "ca.crt", server.Key));
        cluster.Apply(Pipeline());
        var message = await BlockedMessageAsync(cluster, PipelineConditions.Reasons.InvalidCertificate);
        Assert.Contains("Secret \"pg-ca\" key \"ca.crt\" (spec.postgres.tls.caSecretKeyRef) holds no PEM certificate", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_postgres_connection_string_that_does_not_name_the_mounted_ca_blocks_the_pipeline_with_the_fix()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        var server = PostgresTlsCertificates.Server(ca, "demo-ingest.team.svc");
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(TlsSecret("ingest-tls", server.Certificate, server.Key));
        cluster.Apply(CaSecret("pg-ca", "ca.crt", PostgresTlsCertificates.CertificatePem(ca)));
        cluster.Apply(Pipeline("postgres://logdapr:hunter2-secret@pg:5432/logs?sslmode=require"));
        var message = await BlockedMessageAsync(cluster, PipelineConditions.Reasons.InvalidConnectionString);
        Assert.Contains("Secret \"pg\" key \"connectionString\" (spec.postgres.connectionStringSecretKeyRef)", message, StringComparison.Ordinal);
        Assert.Contains("does not set sslmode, sslrootcert", message, StringComparison.Ordinal);
        Assert.Contains("sslmode=verify-full sslrootcert=/mnt/logdapr/postgres-tls/ca.crt", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", cluster.Pipeline("team", "demo").ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_valid_rate_limit_redis_ca_makes_the_pipeline_ready()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        await using var cluster = RateLimitCluster(ca, PostgresTlsCertificates.CertificatePem(ca));
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
    }

    [Fact]
    public async Task A_missing_rate_limit_redis_ca_secret_blocks_the_pipeline_naming_the_field()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        await using var cluster = RateLimitCluster(ca, redisCa: null);
        var message = await BlockedMessageAsync(cluster, PipelineConditions.Reasons.SecretNotFound);
        Assert.Contains("Secret \"redis-ca\" (referenced by spec.ingest.rateLimit.tls.caSecretKeyRef) does not exist", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limit_redis_ca_that_is_not_pem_blocks_the_pipeline()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        await using var cluster = RateLimitCluster(ca, "not a certificate");
        var message = await BlockedMessageAsync(cluster, PipelineConditions.Reasons.InvalidCertificate);
        Assert.Contains("Secret \"redis-ca\" key \"ca.crt\" (spec.ingest.rateLimit.tls.caSecretKeyRef) holds no PEM certificate", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limit_redis_connection_string_without_ssl_blocks_the_pipeline_with_the_fix()
    {
        using var ca = PostgresTlsCertificates.CreateCa("test-ca");
        await using var cluster = RateLimitCluster(ca, PostgresTlsCertificates.CertificatePem(ca), "redis:6379,password=hunter2-secret");
        var message = await BlockedMessageAsync(cluster, PipelineConditions.Reasons.InvalidConnectionString);
        Assert.Contains("Secret \"rl\" key \"connectionString\" (spec.ingest.rateLimit.redisConnectionStringSecretKeyRef): the Redis connection string does not say ssl=true", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", cluster.Pipeline("team", "demo").ToJsonString(), StringComparison.Ordinal);
    }
}
