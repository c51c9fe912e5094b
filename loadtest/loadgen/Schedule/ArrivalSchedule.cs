namespace LogDapr.LoadGen.Schedule;

/// <summary>
/// The open-model schedule: request <c>i</c> is due at <c>i / rate</c> seconds after the start, whatever happened to
/// the requests before it. Latency is measured from this intended time, so a stall of the system under test shows up
/// in every request that should have been sent during the stall (no coordinated omission). Pure arithmetic.
/// </summary>
public sealed class ArrivalSchedule
{
    private readonly double ticksPerRequest;

    public ArrivalSchedule(double requestsPerSecond, TimeSpan duration)
    {
        if (!(requestsPerSecond > 0) || double.IsInfinity(requestsPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(requestsPerSecond), requestsPerSecond, "the rate must be a positive number");
        }

        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "the duration must be positive");
        }

        RequestsPerSecond = requestsPerSecond;
        Duration = duration;
        ticksPerRequest = TimeSpan.TicksPerSecond / requestsPerSecond;
        // Requests whose intended time falls inside [0, duration): request 0 is due at once.
        Count = Math.Max(1, (long)Math.Ceiling(duration.Ticks / ticksPerRequest - 1e-9));
    }

    public double RequestsPerSecond { get; }
    public TimeSpan Duration { get; }

    /// <summary>Requests the schedule holds.</summary>
    public long Count { get; }

    /// <summary>When request <paramref name="index"/> is due, relative to the start (rounded to the nearest 100 ns tick).</summary>
    public TimeSpan IntendedOffset(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return TimeSpan.FromTicks((long)Math.Round(index * ticksPerRequest, MidpointRounding.AwayFromZero));
    }

    /// <summary>
    /// How many requests are due at <paramref name="elapsed"/> (those with an intended offset at or before it),
    /// capped at <see cref="Count"/>. Consistent with <see cref="IntendedOffset"/> by construction: the floating-point
    /// estimate is corrected against the exact offsets, so a request is never due twice nor skipped.
    /// </summary>
    public long DueBy(TimeSpan elapsed)
    {
        if (elapsed < TimeSpan.Zero)
        {
            return 0;
        }

        var due = Math.Min(Count, (long)Math.Floor(elapsed.Ticks / ticksPerRequest) + 1);
        while (due > 0 && IntendedOffset(due - 1) > elapsed)
        {
            due--;
        }

        while (due < Count && IntendedOffset(due) <= elapsed)
        {
            due++;
        }

        return due;
    }
}
