namespace LogDapr.Processing.Enrichment;

/// <summary>
/// Looks up the metadata of many keys at once (one call per delivery). Never throws for a failing source: it
/// reports the keys it could not resolve in <see cref="MetadataSnapshot.Unavailable"/> so events flow on, partial.
/// </summary>
public interface IMetadataLookup
{
    ValueTask<MetadataSnapshot> LookupAsync(IReadOnlyCollection<MetadataKey> keys, CancellationToken cancellationToken);
}
