using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Processing;

/// <summary>
/// The processor role (section "Processing"): where its rules are, and where processed messages go. Read only when
/// <c>Aggregator:Role=Processor</c>.
/// </summary>
public sealed class ProcessingOptions : IValidatableObject
{
    public const string Section = "Processing";

    /// <summary>The rules document (YAML or JSON, the LogPipeline's <c>spec.processing</c>); re-read when it changes.</summary>
    public string? RulesFile { get; set; }

    /// <summary>The topic processed messages are published to; the counter and the store subscribe to it.</summary>
    [Required, MinLength(1)]
    public string OutputTopic { get; set; } = Pipeline.PipelineDefaults.ProcessedTopic;

    /// <summary>Base64 HMAC key of hash-mode redaction (at least 16 bytes), from a Secret.</summary>
    public string? HashKey { get; set; }

    /// <summary>How often the rules file is checked for a change.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Largest processed message published, in bytes of data. Processing can make a message larger (enrichment);
    /// one over this is split into parts with derived ids. Below daprd's 4 MiB request limit with room for the envelope.
    /// </summary>
    [Range(64 * 1024, 3 * 1024 * 1024)]
    public int MaxPublishedMessageBytes { get; set; } = 3 * 1024 * 1024;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(RulesFile))
        {
            yield return new ValidationResult("Processing:RulesFile is not set: the processor role needs its rules document.", [nameof(RulesFile)]);
        }
        else if (!File.Exists(RulesFile))
        {
            yield return new ValidationResult($"Processing:RulesFile '{RulesFile}' does not exist.", [nameof(RulesFile)]);
        }

        if (HashKey is not null && !IsBase64Key(HashKey))
        {
            yield return new ValidationResult("Processing:HashKey must be base64 of at least 16 bytes.", [nameof(HashKey)]);
        }
    }

    private static bool IsBase64Key(string text)
    {
        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) && written >= 16;
    }
}
