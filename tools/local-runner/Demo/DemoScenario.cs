using System.Net;
using System.Text.Json.Nodes;
using LogDapr.Configuration.Pipeline;
using LogDapr.LocalStack.Pipeline;
using Spectre.Console;

namespace LogDapr.LocalRunner.Demo;

/// <summary>Sends the sample traffic, publishes one poison message the way a foreign app would, and waits until the counts are in.</summary>
public sealed class DemoScenario(PipelineClient client, IAnsiConsole console)
{
    public sealed record Outcome(long Accepted, int Rejected, int Requests, DateTimeOffset From, DateTimeOffset To);

    public async Task<Outcome> RunAsync(int events, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        // Postgres data is kept between runs, so count what this run adds.
        var countedBefore = await client.TotalCountAsync(now.AddMinutes(-10), now.AddMinutes(2), cancellationToken).ConfigureAwait(false);
        long accepted = 0;
        var rejected = 0;
        var requests = 0;
        foreach (var request in new SampleTraffic(seed: 42).Generate(events, now))
        {
            var response = await client.PostLogsAsync(request.Body, request.ContentType, cancellationToken).ConfigureAwait(false);
            requests++;
            if (response.Status != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"ingest answered {(int)response.Status} to a {request.Shape} request: {response.Text}");
            }

            accepted += response.Body!["accepted"]!.GetValue<long>();
            var rejections = response.Body!["rejected"]!.AsArray();
            if (rejections.Count > 0 && rejected == 0)
            {
                console.MarkupLineInterpolated($"[grey]  example rejection ({request.Shape}): {rejections[0]!.ToJsonString()}[/]");
            }

            rejected += rejections.Count;
        }

        console.MarkupLineInterpolated($"Sent [bold]{requests}[/] requests: [green]{accepted}[/] events accepted (202), [yellow]{rejected}[/] rejected with reasons.");

        var poison = """{"specversion":"1.0","id":"demo-poison-1","source":"demo/other-language","type":"io.logdapr.log.v1","datacontenttype":"application/json","data":{"tenant_id":"acme","service":"legacy","severity":"info"}}""";
        var published = await client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, poison, "application/cloudevents+json", cancellationToken).ConfigureAwait(false);
        console.MarkupLineInterpolated($"Published one poison message (no 'message' field) straight to the topic via Dapr's HTTP API: {(int)published.Status}.");

        await WaitForCountsAsync(countedBefore, accepted, now, cancellationToken).ConfigureAwait(false);
        return new Outcome(accepted, rejected, requests, now.AddMinutes(-10), now.AddMinutes(2));
    }

    private async Task WaitForCountsAsync(long countedBefore, long expected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        long counted = 0;
        while (DateTime.UtcNow < deadline)
        {
            counted = await client.TotalCountAsync(now.AddMinutes(-10), now.AddMinutes(2), cancellationToken).ConfigureAwait(false) - countedBefore;
            if (counted >= expected)
            {
                console.MarkupLineInterpolated($"The aggregator counted [green]{counted}[/] of [green]{expected}[/] accepted events in Postgres.");
                return;
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        console.MarkupLineInterpolated($"[red]Only {counted} of {expected} events were counted after 60 s; see the logs.[/]");
    }

    public static JsonArray Items(JsonNode? page) => page?["items"]?.AsArray() ?? [];
}
