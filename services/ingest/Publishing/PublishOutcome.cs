namespace LogDapr.Ingest.Publishing;

public enum PublishStatus
{
    /// <summary>The sidecar confirmed every message.</summary>
    Published,
    /// <summary>The sidecar confirmed some messages and refused others (see <see cref="PublishOutcome.UnpublishedRanges"/>).</summary>
    Partial,
    /// <summary>Nothing was confirmed (sidecar or broker unavailable, or the publish timed out).</summary>
    Unavailable,
}

/// <param name="UnpublishedRanges">Ranges of the accepted-events list whose message the sidecar refused (Partial only).</param>
public sealed record PublishOutcome(PublishStatus Status, string? Reason = null, IReadOnlyList<EventRange>? UnpublishedRanges = null)
{
    public static PublishOutcome Published { get; } = new(PublishStatus.Published);
}

public readonly record struct EventRange(int First, int Count);
