using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>
/// The official JavaScript SDK (@dapr/dapr 3.18, HTTP protocol) against the sidecar: publish, bulk publish (it
/// sends <c>entryID</c>), state save/get, a state transaction and a secret. Installs the SDK from npm into the
/// test's temporary directory; node and npm must be on the machine (a missing one fails the test).
/// </summary>
public sealed class JavaScriptSdkTests
{
    private const string Script = """
        const { DaprClient, CommunicationProtocolEnum, LogLevel } = require("@dapr/dapr");
        (async () => {
          const client = new DaprClient({
            daprHost: "127.0.0.1",
            daprPort: process.env.DAPR_HTTP_PORT,
            communicationProtocol: CommunicationProtocolEnum.HTTP,
            logger: { level: LogLevel.Error },
          });
          const out = {};
          out.publish = await client.pubsub.publish("pubsub", "js", { from: "js" });
          out.bulk = await client.pubsub.publishBulk("pubsub", "js", [{ n: 1 }, { n: 2 }]);
          await client.state.save("statestore", [{ key: "js-key", value: { a: 1 } }]);
          out.get = await client.state.get("statestore", "js-key");
          await client.state.transaction("statestore", [{ operation: "upsert", request: { key: "js-tx", value: "t" } }]);
          out.tx = await client.state.get("statestore", "js-tx");
          out.secret = await client.secret.get("env", process.env.SECRET_NAME);
          console.log("RESULT " + JSON.stringify(out));
          process.exit(0);
        })().catch(e => { console.error(e); process.exit(1); });
        """;

    [Fact]
    public async Task The_official_javascript_sdk_publishes_bulk_publishes_uses_state_transactions_and_secrets()
    {
        using var dir = new TempDir("ds-js");
        var secretName = "DS_JS_SECRET_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(secretName, "js-secret");
        try
        {
            dir.Write("res/components.yaml", string.Join("\n---\n", Yaml.PubSubComponent(), Yaml.StateComponent(), """
                apiVersion: dapr.io/v1alpha1
                kind: Component
                metadata:
                  name: env
                spec:
                  type: secretstores.local.env
                  version: v1
                  metadata: []
                """));
            await using var sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"));

            var project = dir.Sub("js");
            await File.WriteAllTextAsync(Path.Combine(project, "package.json"), """{"name":"ds-js-test","private":true}""");
            await File.WriteAllTextAsync(Path.Combine(project, "test.cjs"), Script);
            await RunAsync(project, "npm", ["install", "@dapr/dapr@3.18", "--no-audit", "--no-fund", "--loglevel=error"], new Dictionary<string, string>());
            var output = await RunAsync(project, "node", ["test.cjs"], new Dictionary<string, string>
            {
                ["DAPR_HTTP_PORT"] = sidecar.Host.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["SECRET_NAME"] = secretName,
            });

            var result = JsonNode.Parse(output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal))["RESULT ".Length..])!;
            Assert.Null(result["publish"]!["error"]);
            Assert.Empty(result["bulk"]!["failedMessages"]!.AsArray());
            Assert.Equal(3, await sidecar.CounterAsync("js", "published"));
            Assert.Equal(1, (int?)result["get"]!["a"]);
            Assert.Equal("t", (string?)result["tx"]);
            Assert.Equal("js-secret", (string?)result["secret"]![secretName]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(secretName, null);
        }
    }

    private static async Task<string> RunAsync(string directory, string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var run = await CommandResult.RunAsync(directory, file, args, environment);
        Assert.True(run.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {run.ExitCode}:\n{run.StandardOutput}\n{run.StandardError}");
        return run.StandardOutput;
    }
}
