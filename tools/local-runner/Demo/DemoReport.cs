using System.Globalization;
using System.Text.Json.Nodes;
using LogDapr.LocalStack.Pipeline;
using Spectre.Console;

namespace LogDapr.LocalRunner.Demo;

/// <summary>Prints what the query API returns: counts per minute per tenant and service, error rates, dead letters.</summary>
public sealed class DemoReport(PipelineClient client, IAnsiConsole console)
{
    public async Task PrintAsync(DemoScenario.Outcome outcome, CancellationToken cancellationToken)
    {
        var from = Uri.EscapeDataString(outcome.From.ToString("O", CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(outcome.To.ToString("O", CultureInfo.InvariantCulture));
        var metrics = await client.GetMetricsAsync($"from={from}&to={to}&step=1m", cancellationToken).ConfigureAwait(false);
        var rates = metrics.Body?["error_rates"]?.AsArray() ?? [];

        var table = new Table().Title("[bold]Events per minute (GET /v1/metrics?step=1m)[/]").Border(TableBorder.Rounded);
        table.AddColumns("minute (UTC)", "tenant", "service", "events", "errors", "error rate");
        foreach (var row in rates.OfType<JsonObject>())
        {
            var rate = row["error_rate"]!.GetValue<double>();
            table.AddRow(
                row["bucket_start"]!.GetValue<DateTimeOffset>().ToString("HH:mm", CultureInfo.InvariantCulture),
                row["tenant_id"]!.GetValue<string>(),
                row["service"]!.GetValue<string>(),
                row["total"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture),
                row["errors"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture),
                rate >= 0.1 ? $"[red]{rate:P1}[/]" : $"{rate:P1}");
        }

        console.Write(table);
        console.MarkupLineInterpolated($"Total counted: [bold]{metrics.Body?["total_events"]}[/]");

        var deadLetters = await client.ListDeadLettersAsync("limit=5", cancellationToken).ConfigureAwait(false);
        var letters = DemoScenario.Items(deadLetters.Body);
        var dlq = new Table().Title("[bold]Dead letters (GET /v1/dead-letters)[/]").Border(TableBorder.Rounded);
        dlq.AddColumns("id", "message id", "reason", "attempts");
        foreach (var letter in letters.OfType<JsonObject>())
        {
            dlq.AddRow(
                letter["id"]!.ToJsonString(),
                Markup.Escape(letter["message_id"]!.GetValue<string>()),
                Markup.Escape(letter["reason"]!.GetValue<string>()),
                letter["attempts"]!.ToJsonString());
        }

        console.Write(dlq);
    }
}
