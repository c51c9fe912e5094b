using LogDapr.Contracts.Events;

namespace LogDapr.Ingest.Mapping;

/// <summary>
/// The field mapping ingest reads events with: the built-in aliases until <see cref="MappingWatcher"/> loads the
/// pipeline's document, then the last valid one. Swapped whole; a request's read takes it once.
/// </summary>
internal sealed class PipelineMapping
{
    private FieldMapping current = FieldMapping.Default;

    public FieldMapping Current => Volatile.Read(ref current);

    /// <summary>The document text <see cref="Current"/> came from, or null for the built-in mapping.</summary>
    public string? Text { get; private set; }

    public void Use(FieldMapping mapping, string text)
    {
        Text = text;
        Volatile.Write(ref current, mapping);
    }
}
