using System.Net;
using LogDapr.Configuration.Pipeline;
using LogDapr.EndToEnd.Tests.Support;

namespace LogDapr.EndToEnd.Tests;

/// <summary>The topic contract in the README: any app can publish through Dapr's HTTP API and be counted.</summary>
public class AnyLanguageTests
{
    [Fact]
    public async Task Events_published_through_the_dapr_http_api_in_each_documented_shape_are_counted()
    {
        await using var pipeline = await TestPipeline.StartAsync("any-language");
        var minute = Models.Recent(seed: 7).From.AddMinutes(3);
        var ts = minute.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        string[] bodies =
        [
            // The README's curl example: a batch; Dapr wraps it in a CloudEvent.
            $$"""{"events":[{"tenant_id":"polyglot","service":"cron","severity":"info","message":"a","timestamp":"{{ts}}"},{"tenant_id":"polyglot","service":"cron","severity":"warn","message":"b","timestamp":"{{ts}}"}]}""",
            // One event.
            $$"""{"tenant_id":"polyglot","service":"cron","severity":"error","message":"c","timestamp":"{{ts}}"}""",
            // A JSON array.
            $$"""[{"tenant_id":"polyglot","service":"cron","severity":"info","message":"d","timestamp":"{{ts}}"}]""",
        ];

        foreach (var body in bodies)
        {
            var response = await pipeline.Client.PublishViaDaprAsync(PipelineDefaults.PubSubComponent, PipelineDefaults.LogsTopic, body, "application/json");
            Assert.Equal(HttpStatusCode.NoContent, response.Status);
        }

        await pipeline.WaitUntilDrainedAsync();
        var metrics = (await pipeline.Client.GetMetricsAsync("tenant=polyglot&from=" + Uri.EscapeDataString(minute.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture)))).Body!;
        Assert.Equal(4, metrics["total_events"]!.GetValue<long>());
        Assert.Equal(0.25, metrics["error_rates"]![0]!["error_rate"]!.GetValue<double>(), 6);
        Assert.Empty((await pipeline.Client.ListDeadLettersAsync()).Body!["items"]!.AsArray());
    }
}
