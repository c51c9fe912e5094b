using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Mapping;

/// <summary>
/// The field mapping ingest reads events with: the built-in aliases until <see cref="MappingWatcher"/> loads the
/// pipeline's document, then the last valid one. Swapped whole; a request's read takes it once.
/// </summary>
internal sealed class PipelineMapping
{
    private LoadedMapping? loaded;

    public FieldMapping Current => Volatile.Read(ref loaded)?.Mapping ?? FieldMapping.Default;

    /// <summary>The pipeline's document in use, or null while the built-in mapping is.</summary>
    public LoadedMapping? Loaded => Volatile.Read(ref loaded);

    public void Use(LoadedMapping mapping) => Volatile.Write(ref loaded, mapping);
}

/// <summary>A field mapping and the document text it was compiled from.</summary>
internal sealed record LoadedMapping(FieldMapping Mapping, string Text);
