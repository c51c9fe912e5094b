using LogDapr.Operator.Controller;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;

namespace LogDapr.Operator.Tests;

/// <summary>
/// A Postgres connection string daprd's pgx cannot use is a status condition, before anything is applied, instead
/// of a crash-looping sidecar; the message names the Secret, the field and the fix, never the value.
/// </summary>
public sealed class PostgresSecretValidationTests
{
    private const string NpgsqlForm = "Host=pg;Database=logs;Username=logdapr;Password=hunter2-secret";

    private static string WithPostgresSecret(string value) =>
        Samples.Minimal.Replace("postgres://logdapr:change-me@pg:5432/logs?sslmode=require", value, StringComparison.Ordinal);

    [Fact]
    public async Task An_npgsql_form_secret_blocks_the_pipeline_with_a_condition_that_names_the_fix_and_applies_nothing()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(WithPostgresSecret(NpgsqlForm));

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.InvalidConnectionString);
        var pipeline = cluster.Pipeline("team", "demo");
        var message = TestCluster.Condition(pipeline, PipelineConditions.Ready, "message")!;
        Assert.Contains("Secret \"pg\" key \"connectionString\" (spec.postgres.connectionStringSecretKeyRef)", message, StringComparison.Ordinal);
        Assert.Contains("Npgsql form", message, StringComparison.Ordinal);
        Assert.Contains("postgres://USER:PASSWORD@HOST:5432/DATABASE?sslmode=require", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", pipeline.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("True", TestCluster.Condition(pipeline, PipelineConditions.Degraded));
        Assert.Equal(PipelineConditions.Reasons.InvalidConnectionString, TestCluster.Condition(pipeline, PipelineConditions.Degraded, "reason"));
        Assert.All(cluster.Server.All(KnownResources.Events, "team"), e => Assert.DoesNotContain("hunter2", e.ToJsonString(), StringComparison.Ordinal));
        foreach (var type in KnownResources.Owned)
        {
            Assert.Empty(cluster.Server.All(type, "team"));
        }

        // Fixing the Secret is enough.
        var secret = cluster.Server.Get(KnownResources.Secrets, "team", "pg");
        secret["data"]!["connectionString"] = Convert.ToBase64String("postgres://logdapr:hunter2-secret@pg:5432/logs?sslmode=require"u8);
        cluster.Server.Update(KnownResources.Secrets, secret, "kubectl-edit");
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
    }

    [Fact]
    public async Task A_broken_value_under_a_running_pipeline_leaves_it_as_it_was()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal);
        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "True");
        var aggregator = cluster.Server.Get(KnownResources.Deployments, "team", "demo-aggregator").ResourceVersion();

        var secret = cluster.Server.Get(KnownResources.Secrets, "team", "pg");
        secret["data"]!["connectionString"] = Convert.ToBase64String("host=pg user=logdapr password='hunter2 secret'"u8);
        cluster.Server.Update(KnownResources.Secrets, secret, "kubectl-edit");

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.InvalidConnectionString);
        var message = TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message")!;
        Assert.Contains("space", message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
        // The running pods keep their configuration (and their secrets checksum): nothing was applied.
        Assert.Equal(aggregator, cluster.Server.Get(KnownResources.Deployments, "team", "demo-aggregator").ResourceVersion());
    }

    [Fact]
    public async Task The_state_store_secret_is_checked_too_and_named_by_its_own_field()
    {
        await using var cluster = new TestCluster();
        cluster.Start();
        cluster.Apply(Samples.Minimal.Replace(
            "  postgres:\n",
            "  stateStore:\n    type: postgresql\n    postgresql:\n      connectionStringSecretKeyRef: {name: pg-state, key: url}\n  postgres:\n",
            StringComparison.Ordinal));
        cluster.Apply("apiVersion: v1\nkind: Secret\nmetadata: {name: pg-state, namespace: team}\nstringData: {url: \"postgres://db/state\"}\n");

        await cluster.WaitForConditionAsync("team", "demo", PipelineConditions.Ready, "False", PipelineConditions.Reasons.InvalidConnectionString);
        var message = TestCluster.Condition(cluster.Pipeline("team", "demo"), PipelineConditions.Ready, "message")!;
        Assert.Contains("Secret \"pg-state\" key \"url\" (spec.stateStore.postgresql.connectionStringSecretKeyRef)", message, StringComparison.Ordinal);
        Assert.Contains("no user", message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples.Names), MemberType = typeof(Samples))]
    public void The_samples_postgres_secrets_are_in_a_form_daprd_reads(string sample)
    {
        // The Secret keys daprd reads as Postgres connection strings, as the sample's pipeline renders them.
        var file = System.IO.Path.Combine(RepoPaths.SamplesDirectory, sample);
        var secrets = Samples.Documents(file).Where(d => d.GetString("kind") == "Secret").ToDictionary(d => d["metadata"].GetString("name")!);
        var values = Secrets.DaprPostgresConnections.For(Rendered.Sample(sample))
            .Select(c => secrets[c.Ref.Name]["stringData"]![c.Ref.Key]!.GetValue<string>())
            .ToList();

        Assert.NotEmpty(values);
        Assert.All(values, v => Assert.Null(Postgres.DaprConnectionStringCheck.Problem(v)));
    }
}
