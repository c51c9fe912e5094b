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
        await PrintStoredAsync(outcome, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest stored warnings and errors of one tenant, as the search API returns them, and the query that found them.</summary>
    private async Task PrintStoredAsync(DemoScenario.Outcome outcome, CancellationToken cancellationToken)
    {
        var query = "tenant=acme&min_severity=warn&limit=5&from=" + Uri.EscapeDataString(outcome.From.ToString("O", CultureInfo.InvariantCulture))
            + "&to=" + Uri.EscapeDataString(outcome.To.ToString("O", CultureInfo.InvariantCulture));
        var events = new JsonArray();
        // The store reads the topic in its own consumer group: it may still be a moment behind the counts.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var page = await client.SearchLogsAsync(query, cancellationToken).ConfigureAwait(false);
            if (page.Status != System.Net.HttpStatusCode.OK)
            {
                console.MarkupLineInterpolated($"[red]GET /v1/logs answered {(int)page.Status}: {page.Text}[/]");
                return;
            }

            events = page.Body?["events"]?.AsArray() ?? [];
            if (events.Count > 0)
            {
                break;
            }

            await Task.Delay(250, cancellationToken).ConfigureAwait(false);
        }

        var table = new Table().Title($"[bold]Stored events, newest first (GET /v1/logs?{Markup.Escape(query[..query.IndexOf("&from", StringComparison.Ordinal)])})[/]").Border(TableBorder.Rounded);
        table.AddColumns("timestamp (UTC)", "service", "severity", "host", "message");
        foreach (var e in events.OfType<JsonObject>())
        {
            table.AddRow(
                e["timestamp"]!.GetValue<DateTimeOffset>().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
                Markup.Escape(e["service"]!.GetValue<string>()),
                Markup.Escape(e["severity"]!.GetValue<string>()),
                Markup.Escape((string?)e["host"] ?? ""),
                Markup.Escape(e["message"]!.GetValue<string>()));
        }

        console.Write(table);
    }
}
