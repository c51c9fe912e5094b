using System.Globalization;
using System.Text;

namespace LogDapr.Bench.Store;

/// <summary>
/// The store section of docs/benchmarks.md, between its own markers (after the main generated section), so a store
/// run leaves the main run's figures and the hand-written analysis alone.
/// </summary>
public static class StoreReport
{
    public const string Begin = "<!-- BEGIN GENERATED STORE: loadtest/bench --store writes this section; edit outside it -->";
    public const string End = "<!-- END GENERATED STORE -->";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static async Task WriteAsync(string path, StoreResults results, CancellationToken cancellationToken)
    {
        var generated = Render(results);
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : "# Benchmarks\n";
        var start = existing.IndexOf(Begin, StringComparison.Ordinal);
        var end = existing.IndexOf(End, StringComparison.Ordinal);
        string text;
        if (start >= 0 && end > start)
        {
            text = existing[..start] + generated + existing[(end + End.Length)..];
        }
        else
        {
            var main = existing.IndexOf(Report.MarkdownReport.End, StringComparison.Ordinal);
            var at = main >= 0 ? main + Report.MarkdownReport.End.Length : existing.Length;
            text = existing[..at] + "\n\n" + generated + existing[at..];
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
    }

    public static string Render(StoreResults r)
    {
        var md = new StringBuilder();
        md.AppendLine(Begin);
        md.AppendLine();
        md.AppendLine("## The log store (issue 13)");
        md.AppendLine();
        var m = r.Machine;
        md.AppendLine(C, $"- Command: `{r.Command}` (store plan `{r.Plan.Name}`), {r.StartedAt:yyyy-MM-dd HH:mm} UTC, took {r.Duration.TotalMinutes:0.0} min");
        md.AppendLine(C, $"- Commit: `{m.Commit}`; {m.Cpu}, {m.Cores} cores; {m.Postgres}; load average {r.LoadBefore} before, {r.LoadAfter} at the end");
        md.AppendLine("- One local stack (Postgres with `fsync=off`, the development sidecar emulating Redis Streams, counter, store, ingest) and the generator on the same cores; the statement, COPY and search parts run with the apps stopped and Postgres kept.");
        md.AppendLine();
        Targets(md, r);
        Write(md, r);
        Pipeline(md, r);
        Search(md, r);
        md.AppendLine(C, $"Correctness: {(r.Correct ? "every stored event was stored exactly once (row counts equal the accepted or written events, a redelivery of every statement stored nothing), counting stayed exact, and the searches found the same rows with and without the indexes." : "PROBLEMS: " + string.Join("; ", r.Problems))}");
        md.AppendLine();
        md.Append(End);
        return md.ToString();
    }

    private static void Targets(StringBuilder md, StoreResults r)
    {
        md.AppendLine("| target | measured | |");
        md.AppendLine("|---|---|---|");
        if (r.Write is { } w)
        {
            md.AppendLine(C, $"| Store statement >= 150,000 events/s | {w.StatementEventsPerSecond:N0} events/s (statement alone, {w.Streams} in flight) | {Verdict(w.StatementEventsPerSecond >= 150_000)} |");
            md.AppendLine(C, $"| Store statement >= 0.3 of binary COPY of the same rows | {w.Ratio:0.00} ({w.StatementEventsPerSecond:N0} vs {w.CopyEventsPerSecond:N0} events/s) | {Verdict(w.Ratio >= 0.3)} |");
        }

        if (r.Drain is { } d)
        {
            md.AppendLine(C, $"| Store end to end >= 150,000 events/s while counting runs | {d.EventsPerSecond:N0} events/s from the store's readiness; {d.StoringEventsPerSecond:N0} from its first row to its last ({d.Events:N0} events) | {Verdict(d.EventsPerSecond >= 150_000)} |");
        }

        if (r.Search is { } s)
        {
            (string Id, double Target)[] targets = [("filters", 50), ("fulltext", 200), ("trace", 20)];
            foreach (var (id, target) in targets)
            {
                var q = s.With.Single(x => x.Id == id);
                md.AppendLine(C, $"| Search p95 < {target:0} ms: {q.Title} | {q.P95:0.0} ms | {Verdict(q.P95 < target)} |");
            }

            md.AppendLine(C, $"| Bytes per event on disk (reported) | {s.WithIndexes.BytesPerEvent:N0} with the search indexes, {s.WithoutIndexes.BytesPerEvent:N0} with the primary key only | |");
        }

        if (r.Lag is { } l)
        {
            md.AppendLine(C, $"| Accept to searchable under load (reported) | p50 {l.P50Ms:N0} ms, p99 {l.P99Ms:N0} ms at {l.EventsPerSecond:N0} events/s | |");
        }

        md.AppendLine();
    }

    private static void Write(StringBuilder md, StoreResults r)
    {
        if (r.Write is not { } w)
        {
            return;
        }

        md.AppendLine("### Write: the store's statement vs binary COPY");
        md.AppendLine();
        md.AppendLine(C, $"{w.Events:N0} events (~200-byte messages, two attributes, a third with trace ids, 4 tenants, one day), written twice into the same Postgres, {w.Streams} streams each:");
        md.AppendLine();
        md.AppendLine("| path | events/s | elapsed | rows | bytes per event on disk | index bytes per event |");
        md.AppendLine("|---|---|---|---|---|---|");
        md.AppendLine(C, $"| `EventRowsStatement` (INSERT … SELECT FROM json_to_recordset … ON CONFLICT DO NOTHING), {w.Statements:N0} statements, params bound as the Dapr binding binds them | {w.StatementEventsPerSecond:N0} | {w.StatementElapsed.TotalSeconds:0.0} s | {w.StatementSize.Rows:N0} | {w.StatementSize.BytesPerEvent:N0} | {w.StatementSize.IndexBytesPerEvent:N0} |");
        md.AppendLine(C, $"| binary COPY into a log_events of the same shape | {w.CopyEventsPerSecond:N0} | {w.CopyElapsed.TotalSeconds:0.0} s | {w.CopySize.Rows:N0} | {w.CopySize.BytesPerEvent:N0} | {w.CopySize.IndexBytesPerEvent:N0} |");
        md.AppendLine();
        md.AppendLine(C, $"Both tables come from the aggregator's migrations (indexes: {w.StatementSize.Indexes}). Every statement sent a second time (a redelivery) stored {w.StoredOnRedelivery:N0} rows. Bytes per event are `pg_total_relation_size` of every partition (heap, TOAST, indexes) over its rows.");
        md.AppendLine();
    }

    private static void Pipeline(StringBuilder md, StoreResults r)
    {
        md.AppendLine("### End to end through the pipeline");
        md.AppendLine();
        if (r.Drain is { } d)
        {
            md.AppendLine(C, $"- Store drain: {d.Events:N0} events queued in the broker while the store and the counter were stopped, stored in {d.Elapsed.TotalSeconds:0.0} s from the store's readiness with the counter draining the same backlog alongside: **{d.EventsPerSecond:N0} events/s** ({d.Storing.TotalSeconds:0.0} s from the first row stored to the last: {d.StoringEventsPerSecond:N0} events/s), {d.Rows:N0} rows ({(d.ExactlyOnce ? "exactly once; counting exact" : "MISMATCH " + d.Counting.Problem)}); peak RSS {string.Join(", ", d.PeakRssBytes.Select(p => $"{p.Key} {p.Value / 1024 / 1024} MB"))}.");
        }

        if (r.Lag is { } l)
        {
            md.AppendLine(C, $"- Accept to searchable at {l.EventsPerSecond:N0} events/s offered ({l.Events:N0} events accepted, {l.Rows:N0} rows): p50 **{l.P50Ms:N0} ms**, p99 **{l.P99Ms:N0} ms**, max {l.MaxMs:N0} ms, per event as `stored_at - received_at` (received_at is ingest's receive time, carried as the CloudEvent time; stored_at is the insert's clock; the row is visible at commit, a few ms later).");
        }

        md.AppendLine();
    }

    private static void Search(StringBuilder md, StoreResults r)
    {
        if (r.Search is not { } s)
        {
            return;
        }

        md.AppendLine("### Search");
        md.AppendLine();
        md.AppendLine(C, $"{s.Events:N0} events over {s.Days} daily partitions and {s.Tenants} tenants, loaded by binary COPY straight into log_events (every migration but 0007: partitions and the primary key) with {s.LoadStreams} streams in {s.LoadTime.TotalSeconds:0} s. The searches ran first on that table, then the search indexes ({string.Join(", ", s.Migrations)}) were applied to the same rows ({s.IndexBuildTime.TotalSeconds:0} s) and the same searches, with the same parameters in the same order, ran again. Pages of {SearchBenchmark.Limit} rows, every row read, one connection, the SQL of the search query builder.");
        md.AppendLine();
        md.AppendLine("| search | indexes | runs | p50 | p95 | p99 | rows found (total) |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var (without, with) in s.Without.Zip(s.With))
        {
            md.AppendLine(C, $"| {with.Title} | search indexes | {with.Count} | {with.P50:0.0} ms | {with.P95:0.0} ms | {with.P99:0.0} ms | {with.Rows.Sum():N0} |");
            md.AppendLine(C, $"| {without.Title} | primary key only | {without.Count} | {without.P50:0.0} ms | {without.P95:0.0} ms | {without.P99:0.0} ms | {without.Rows.Where(n => n > 0).Sum():N0}{(without.Timeouts > 0 ? $" ({without.Timeouts} timed out at {r.Plan.TimeoutWithoutIndexes.TotalSeconds:0} s, counted at the timeout)" : "")} |");
        }

        md.AppendLine();
        md.AppendLine(C, $"On disk: {s.WithoutIndexes.BytesPerEvent:N0} bytes per event with the primary key only, {s.WithIndexes.BytesPerEvent:N0} with the search indexes ({s.WithIndexes.IndexBytesPerEvent:N0} of them index bytes; indexes: {s.WithIndexes.Indexes}).");
        md.AppendLine();
    }

    private static string Verdict(bool met) => met ? "met" : "**missed**";
}
