using LogDapr.Aggregator.Decoding;
using LogDapr.Configuration.Processing;
using LogDapr.Contracts.Events;
using LogDapr.Processing;
using LogDapr.Processing.Rules;

namespace LogDapr.Aggregator.Processing.Rules;

/// <summary>Reads and compiles a rules document; every problem comes back as one precise message, nothing half-applied.</summary>
public static class RulesLoader
{
    /// <summary>Larger than any sensible rule set; bounds what a mistaken mount can make the process read.</summary>
    public const int MaxRulesFileBytes = 1024 * 1024;

    public static async Task<(RuleSet? Rules, string? Error)> LoadFileAsync(ProcessingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        string text;
        try
        {
            var info = new FileInfo(options.RulesFile!);
            if (info.Length > MaxRulesFileBytes)
            {
                return (null, $"{options.RulesFile}: {info.Length} bytes, more than the {MaxRulesFileBytes} a rules document may have");
            }

            text = await File.ReadAllTextAsync(options.RulesFile!, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"{options.RulesFile}: {ex.Message}");
        }

        var (rules, error) = Compile(text, Secrets(options));
        return (rules, error is null ? null : $"{options.RulesFile}: {error}");
    }

    public static (RuleSet? Rules, string? Error) Compile(string text, ProcessingSecrets secrets)
    {
        var parsed = RulesParser.Parse(text);
        if (parsed.Rules is null)
        {
            return (null, string.Join("; ", parsed.Errors.Select(e => string.IsNullOrEmpty(e.Path) ? e.Message : $"{e.Path}: {e.Message}")));
        }

        try
        {
            var processor = EventProcessor.Create(parsed.Rules, secrets);
            return (new RuleSet(processor, new DeliveryDecoder(new LogEventReader(LogEventLimits.Widest)), text), null);
        }
        catch (ProcessingSetupException ex)
        {
            return (null, ex.Message);
        }
    }

    public static ProcessingSecrets Secrets(ProcessingOptions options)
        => new(options.HashKey is { } key ? Convert.FromBase64String(key) : null);
}
