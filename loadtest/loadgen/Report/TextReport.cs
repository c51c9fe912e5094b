using System.Globalization;
using System.Text;
using LogDapr.LoadGen.Metrics;
using LogDapr.LoadGen.Runner;
using LogDapr.LoadGen.Verification;

namespace LogDapr.LoadGen.Report;

/// <summary>The human-readable summary of a run, printed by the CLI.</summary>
public static class TextReport
{
    public static string Format(RunResult run, VerificationResult? verification)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"target        {run.Profile.TargetUrl}");
        text.AppendLine(c, $"schedule      {run.OfferedRequestsPerSecond:N0} req/s for {run.Profile.Duration.TotalSeconds:0.#}s, {run.EventsPerRequest} events/request, cap {run.Profile.MaxInFlight} in flight");
        text.AppendLine(c, $"requests      scheduled {run.Scheduled:N0}, sent {run.Sent:N0}, dropped at cap {run.DroppedAtCap:N0}, completed {run.Completed:N0}");
        text.AppendLine(c, $"throughput    {run.RequestsPerSecond:N0} req/s, {run.EventsPerSecond:N0} accepted events/s over {run.Elapsed.TotalSeconds:0.00}s");
        text.AppendLine(c, $"events        accepted {run.AcceptedEvents:N0}, rejected (invalid on purpose) {run.RejectedEvents:N0}, 202s with an unexpected accepted count {run.AcceptedMismatches:N0}");
        text.AppendLine(c, $"statuses      {string.Join(", ", run.Statuses.Select(s => $"{s.Key}: {s.Value:N0}"))}{(run.ExpectedRejections > 0 ? $" (expected 400s: {run.ExpectedRejections:N0})" : "")}");
        if (run.TransportErrors.Count > 0)
        {
            text.AppendLine(c, $"transport     {string.Join(", ", run.TransportErrors.Select(e => $"{e.Key}: {e.Value:N0}"))}");
        }

        text.AppendLine(c, $"latency       {Percentiles(run.Latency)}  (from intended send time)");
        text.AppendLine(c, $"dispatch lag  p99 {Ms(run.DispatchLag.ValueAtPercentile(99))}, max {Ms(run.DispatchLag.Max)}  (the generator's own lateness)");
        if (verification is not null)
        {
            text.AppendLine(c, $"counted       {verification.Counted:N0} of {verification.Expected:N0} accepted -> {(verification.ExactlyOnce ? "EXACTLY ONCE" : "MISMATCH: " + verification.Problem)}");
            if (verification.AllCountedAfterLastAccept is { } after)
            {
                text.AppendLine(c, $"drained       all counted {after.TotalSeconds:0.00}s after the last 202");
            }

            if (verification.Lag is { } lag)
            {
                text.AppendLine(c, $"e2e lag       p50 {lag.P50.TotalMilliseconds:N0} ms, p90 {lag.P90.TotalMilliseconds:N0} ms, p99 {lag.P99.TotalMilliseconds:N0} ms, max {lag.Max.TotalMilliseconds:N0} ms (poll every {lag.Resolution.TotalMilliseconds:N0} ms)");
            }
        }

        return text.ToString();
    }

    public static string Percentiles(LatencyHistogram h)
        => $"p50 {Ms(h.ValueAtPercentile(50))}, p90 {Ms(h.ValueAtPercentile(90))}, p99 {Ms(h.ValueAtPercentile(99))}, p99.9 {Ms(h.ValueAtPercentile(99.9))}, max {Ms(h.Max)}";

    public static string Ms(long microseconds) => (microseconds / 1000.0).ToString("0.00", CultureInfo.InvariantCulture) + " ms";
}
