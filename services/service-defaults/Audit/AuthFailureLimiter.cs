using LogDapr.Configuration.Audit;
using Microsoft.Extensions.Options;

namespace LogDapr.ServiceDefaults.Audit;

/// <summary>
/// Decides which API key failures are recorded, so a flood of bad keys cannot fill audit_log: at most
/// Audit:AuthFailuresPerAddressPerMinute per source address and Audit:AuthFailuresPerMinute in all, per replica, in
/// fixed UTC minutes. A failure not recorded is counted, and its address's next record carries the count
/// (<c>suppressed</c>), so the trail shows how many there were. Memory is bounded: at most
/// <see cref="MaxTrackedAddresses"/> addresses are tracked; a failure from one more is suppressed and only counted in
/// the metric.
/// Shared by ingest and the aggregator: each counts what it suppresses in its own metrics (a false return).
/// </summary>
public sealed class AuthFailureLimiter(IOptions<AuditOptions> options, TimeProvider time)
{
    public const int MaxTrackedAddresses = 10_000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, Tally> addresses = new(StringComparer.Ordinal);
    private long minute = long.MinValue;
    private int recordedThisMinute;

    /// <returns>True when this failure is to be recorded, with the failures of its address suppressed since its last record.</returns>
    public bool TryRecord(string address, out int suppressed)
    {
        var limits = options.Value;
        var now = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        lock (gate)
        {
            if (now != minute)
            {
                minute = now;
                recordedThisMinute = 0;
                // Addresses with suppressed failures keep their count for their next record; the others are forgotten.
                foreach (var (key, tally) in addresses.ToList())
                {
                    if (tally.Suppressed == 0)
                    {
                        addresses.Remove(key);
                    }
                    else
                    {
                        tally.Recorded = 0;
                    }
                }
            }

            if (!addresses.TryGetValue(address, out var entry))
            {
                if (addresses.Count >= MaxTrackedAddresses)
                {
                    suppressed = 0;
                    return false;
                }

                entry = new Tally();
                addresses[address] = entry;
            }

            if (entry.Recorded < limits.AuthFailuresPerAddressPerMinute && recordedThisMinute < limits.AuthFailuresPerMinute)
            {
                entry.Recorded++;
                recordedThisMinute++;
                suppressed = entry.Suppressed;
                entry.Suppressed = 0;
                return true;
            }

            entry.Suppressed = entry.Suppressed == int.MaxValue ? int.MaxValue : entry.Suppressed + 1;
            suppressed = 0;
            return false;
        }
    }

    private sealed class Tally
    {
        public int Recorded { get; set; }

        public int Suppressed { get; set; }
    }
}
