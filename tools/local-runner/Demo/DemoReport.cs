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

        // One row per minute and tenant keeps the table readable; the API has the per-service detail.
        var table = new Table().Title("[bold]Events per minute and tenant (from GET /v1/metrics?step=1m)[/]").Border(TableBorder.Rounded);
        table.AddColumns("minute (UTC)", "tenant", "services", "events", "errors", "error rate");
        var rows = rates.OfType<JsonObject>()
            .GroupBy(r => (Minute: r["bucket_start"]!.GetValue<DateTimeOffset>(), Tenant: r["tenant_id"]!.GetValue<string>()))
            .OrderBy(g => g.Key.Minute).ThenBy(g => g.Key.Tenant);
        foreach (var row in rows)
        {
            var total = row.Sum(r => r["total"]!.GetValue<long>());
            var errors = row.Sum(r => r["errors"]!.GetValue<long>());
            var rate = total == 0 ? 0 : (double)errors / total;
            table.AddRow(
                row.Key.Minute.ToString("HH:mm", CultureInfo.InvariantCulture),
                row.Key.Tenant,
                row.Count().ToString(CultureInfo.InvariantCulture),
                total.ToString(CultureInfo.InvariantCulture),
                errors.ToString(CultureInfo.InvariantCulture),
                rate >= 0.15 ? $"[red]{rate:P1}[/]" : $"{rate:P1}");
        }

        console.Write(table);
        console.MarkupLineInterpolated($"Events in this time range, including earlier runs (data is kept): [bold]{metrics.Body?["total_events"]}[/]");

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
