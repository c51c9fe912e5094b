using LogDapr.Aggregator.Processing.Observability;
using LogDapr.ServiceDefaults.Reloading;
using LogDapr.Configuration.Processing;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Processing.Rules;

/// <summary>
/// The processor's rules file (<see cref="DocumentWatcher{T}"/>): loaded before the first delivery (an invalid document
/// stops the start with the parser's message), then re-read every <see cref="ProcessingOptions.ReloadInterval"/>. A
/// changed, valid document applies from the next delivery on; an invalid one is refused whole, logged, and the rules in
/// use stay.
/// </summary>
public sealed partial class RulesWatcher(
    ActiveRules active, IOptions<ProcessingOptions> options, ProcessingMetrics metrics, TimeProvider time, ILogger<RulesWatcher> logger)
    : DocumentWatcher<RuleSet>(time, logger)
{
    protected override string Kind => "processing rules";

    protected override string FilePath => options.Value.RulesFile!;

    protected override TimeSpan Interval => options.Value.ReloadInterval;

    protected override long MaxBytes => RulesLoader.MaxRulesFileBytes;

    protected override RuleSet? Current => active.IsLoaded ? active.Current : null;

    protected override string TextOf(RuleSet document) => document.Text;

    protected override (RuleSet? Document, string? Error) Compile(string text) => RulesLoader.Compile(text, RulesLoader.Secrets(options.Value));

    protected override void Use(RuleSet document, RuleSet? previous)
    {
        active.Use(document);
        if (previous is null)
        {
            metrics.RulesLoaded(document.Version);
            LogLoaded(logger, document.Version, FilePath);
            return;
        }

        metrics.RulesApplied(document.Version);
        LogApplied(logger, previous.Version, document.Version);
    }

    protected override void Refuse(RuleSet current, string error)
    {
        metrics.RulesRefused();
        LogRefused(logger, FilePath, current.Version, error);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Processing rules {Version} loaded from {RulesFile}")]
    private static partial void LogLoaded(ILogger logger, string version, string rulesFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Processing rules changed from {PreviousVersion} to {Version}; deliveries from now on use the new rules")]
    private static partial void LogApplied(ILogger logger, string previousVersion, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "The changed processing rules in {RulesFile} are invalid and were NOT applied; rules {Version} stay in use: {Error}")]
    private static partial void LogRefused(ILogger logger, string rulesFile, string version, string error);
}
