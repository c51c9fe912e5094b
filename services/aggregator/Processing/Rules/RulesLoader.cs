using LogDapr.Aggregator.Decoding;
using LogDapr.Configuration.Processing;
using LogDapr.Contracts.Events;
using LogDapr.Processing;
using LogDapr.Processing.Rules;

namespace LogDapr.Aggregator.Processing.Rules;

/// <summary>Compiles a rules document; every problem comes back as one precise message, nothing half-applied.</summary>
public static class RulesLoader
{
    /// <summary>Larger than any sensible rule set; bounds what a mistaken mount can make the process read.</summary>
    public const int MaxRulesFileBytes = 1024 * 1024;

    public static (RuleSet? Rules, string? Error) Compile(string text, ProcessingSecrets secrets)
    {
        var parsed = RulesParser.Parse(text);
        if (parsed.Rules is null)
        {
            return (null, string.Join("; ", parsed.Errors.Select(e => string.IsNullOrEmpty(e.Path) ? e.Message : $"{e.Path}: {e.Message}")));
        }

        FieldMapping mapping;
        try
        {
            // The pipeline's own aliases apply where messages are read: in the decoder, before any rule.
            mapping = FieldMapping.Default.WithAliases(parsed.Rules.Mapping.Fields, parsed.Rules.Mapping.Separator);
        }
        catch (ArgumentException ex)
        {
            return (null, $"mapping: {ex.Message}");
        }

        try
        {
            var processor = EventProcessor.Create(parsed.Rules, secrets);
            return (new RuleSet(processor, new DeliveryDecoder(new LogEventReader(LogEventLimits.Widest, mapping)), text), null);
        }
        catch (ProcessingSetupException ex)
        {
            return (null, ex.Message);
        }
    }

    public static ProcessingSecrets Secrets(ProcessingOptions options)
        => new(options.HashKey is { } key ? Convert.FromBase64String(key) : null);
}
