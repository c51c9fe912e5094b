namespace LogDapr.Processing.Enrichment;

/// <summary>
/// The answer to one batch lookup. A key is in <see cref="Found"/> when metadata exists, in neither set when every
/// source answered and none has it, and in <see cref="Unavailable"/> when a source that might have it could not be
/// asked (failed, timed out, breaker open): events that needed such a key are marked <c>enrichment: partial</c>.
/// </summary>
public sealed class MetadataSnapshot(
    IReadOnlyDictionary<MetadataKey, IReadOnlyDictionary<string, string>> found,
    IReadOnlySet<MetadataKey> unavailable)
{
    public static MetadataSnapshot Empty { get; } = new(new Dictionary<MetadataKey, IReadOnlyDictionary<string, string>>(), new HashSet<MetadataKey>());

    public IReadOnlyDictionary<MetadataKey, IReadOnlyDictionary<string, string>> Found { get; } = found;

    public IReadOnlySet<MetadataKey> Unavailable { get; } = unavailable;
}
