// logdapr-dev-sidecar — DEVELOPMENT AND TEST TOOL, NOT A PRODUCTION COMPONENT.
//
// A Dapr-API-compatible stand-in for daprd, for machines where no Dapr runtime can be installed (local runs,
// the test suites, CI). It reads the same resource YAMLs daprd reads (components/), serves the subset of the
// sidecar API LogDapr uses — gRPC for the Dapr .NET SDK, HTTP for curl and tests — and delivers pub/sub
// messages to the apps over HTTP with CloudEvents and bulk subscribe, with Dapr's documented semantics:
//   * any pubsub.* component is served by an embedded broker whose journal (--data-dir) makes acknowledged
//     publishes survive kills; delivery is at-least-once with the Resiliency inbound retry, then the
//     subscription's dead-letter topic; unreachable apps pause delivery instead of consuming retries;
//   * every state.* component is kept in memory with its own type's ETag, first-write, TTL and transaction rules
//     (state.redis, state.postgresql v1/v2, state.in-memory), as components-contrib v1.16 implements them;
//   * bindings.postgresql runs exec/query/close against a real PostgreSQL through Npgsql, under the
//     Resiliency outbound policy; secretstores.local.env resolves secretKeyRef from the environment.
// One process serves several apps (--app id=url, repeatable) because they must share one broker; each app id
// gets its own API port pair, so every call is one app's and component scopes apply as in daprd.
// In Kubernetes and under `dapr run`, real daprd replaces it; the apps cannot tell the difference.
// Usage: logdapr-dev-sidecar --help

using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Hosting;

var parsed = CommandLine.Parse(args);
if (parsed.ShowHelp)
{
    Console.WriteLine(CommandLine.HelpText);
    return 0;
}

if (parsed.Options is null)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"logdapr-dev-sidecar: {error}");
    }

    Console.Error.WriteLine("Run with --help for usage.");
    return 2;
}

Console.WriteLine("==================================================================================");
Console.WriteLine(" logdapr-dev-sidecar: DEVELOPMENT/TEST stand-in for daprd. NOT FOR PRODUCTION USE.");
Console.WriteLine(" Embedded broker and state store; run real Dapr in Kubernetes or with `dapr run`.");
Console.WriteLine("==================================================================================");

SidecarHost host;
try
{
    host = await SidecarHost.StartAsync(parsed.Options);
}
catch (ResourceException ex)
{
    Console.Error.WriteLine($"logdapr-dev-sidecar: {ex.Message}");
    return 1;
}
catch (IOException ex)
{
    Console.Error.WriteLine($"logdapr-dev-sidecar: cannot start: {ex.Message}");
    return 1;
}

await using (host)
{
    foreach (var listener in host.Listeners.Skip(1))
    {
        Console.Out.WriteLine(SidecarOptions.AppLine(listener.AppId, listener.HttpPort, listener.GrpcPort));
    }

    Console.Out.WriteLine(SidecarOptions.ReadyLine(host.HttpPort, host.GrpcPort));
    Console.Out.Flush();
    await host.WaitForShutdownAsync();
}

Console.Out.WriteLine("dev-sidecar stopped");

return 0;
