using System.Collections.Concurrent;

namespace LogDapr.Operator.Secrets;

/// <summary>
/// Which Secrets each LogPipeline references, as of its last render, so a Secret event enqueues exactly the pipelines
/// that read it (like controller-runtime's field indexer behind an EnqueueRequestsFromMapFunc). Thread-safe.
/// </summary>
public sealed class SecretReferenceIndex
{
    private readonly ConcurrentDictionary<string, (string Namespace, IReadOnlySet<string> Secrets)> byPipeline = new(StringComparer.Ordinal);

    /// <param name="pipelineKey">"namespace/name".</param>
    public void Set(string pipelineKey, string @namespace, IEnumerable<string> secretNames) =>
        byPipeline[pipelineKey] = (@namespace, secretNames.ToHashSet(StringComparer.Ordinal));

    public void Remove(string pipelineKey) => byPipeline.TryRemove(pipelineKey, out _);

    /// <summary>The keys of the pipelines in <paramref name="namespace"/> that reference the Secret.</summary>
    public IReadOnlyList<string> Referencing(string @namespace, string secretName) =>
        byPipeline
            .Where(entry => entry.Value.Namespace == @namespace && entry.Value.Secrets.Contains(secretName))
            .Select(entry => entry.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
}
