using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Ingest;

/// <summary>
/// The pipeline's own field mapping at ingest (section "Ingest"): the processing rules document whose <c>mapping</c>
/// section ingest applies on top of the built-in aliases, so an event that names a required field only by a
/// pipeline's alias is accepted at the door. Unset: the built-in aliases only.
/// </summary>
public sealed class FieldMappingOptions : IValidatableObject
{
    public const string Section = IngestOptions.Section;

    /// <summary>The processing rules document (YAML or JSON, the LogPipeline's <c>spec.processing</c>); re-read when it changes.</summary>
    public string? FieldMappingFile { get; set; }

    /// <summary>How often the file is checked for a change.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FieldMappingReloadInterval { get; set; } = TimeSpan.FromSeconds(5);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (FieldMappingFile is not null && (string.IsNullOrWhiteSpace(FieldMappingFile) || !File.Exists(FieldMappingFile)))
        {
            yield return new ValidationResult($"Ingest:FieldMappingFile '{FieldMappingFile}' does not exist.", [nameof(FieldMappingFile)]);
        }
    }
}
