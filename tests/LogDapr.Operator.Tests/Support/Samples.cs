using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;

namespace LogDapr.Operator.Tests.Support;

public static class Samples
{
    public static IReadOnlyList<string> Files =>
        Directory.GetFiles(RepoPaths.SamplesDirectory, "*.yaml").OrderBy(f => f, StringComparer.Ordinal).ToList();

    public static string Read(string name) => File.ReadAllText(System.IO.Path.Combine(RepoPaths.SamplesDirectory, name));

    public static IEnumerable<JsonObject> Documents(string file) => YamlDocuments.Parse(File.ReadAllText(file)).OfType<JsonObject>();

    /// <summary>xunit data: sample file names.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var file in Files)
        {
            data.Add(System.IO.Path.GetFileName(file));
        }
        return data;
    }

    /// <summary>A minimal valid pipeline with its Secrets, for controller tests.</summary>
    public const string Minimal = """
        apiVersion: v1
        kind: Secret
        metadata: {name: pg, namespace: team}
        stringData: {connectionString: "postgres://logdapr:change-me@pg:5432/logs?sslmode=require"}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: redis, namespace: team}
        stringData: {password: secret}
        ---
        apiVersion: logdapr.io/v1alpha1
        kind: LogPipeline
        metadata: {name: demo, namespace: team}
        spec:
          pubsub:
            type: redis
            redis:
              host: redis:6379
              passwordSecretKeyRef: {name: redis, key: password}
          postgres:
            connectionStringSecretKeyRef: {name: pg, key: connectionString}
        """;
}
