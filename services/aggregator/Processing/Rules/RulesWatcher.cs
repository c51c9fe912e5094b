using LogDapr.Aggregator.Processing.Observability;
using LogDapr.Configuration.Processing;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Processing.Rules;

/// <summary>
/// Loads the rules before the processor takes its first delivery (an invalid document stops the start with the
/// parser's message), then re-reads the file every <see cref="ProcessingOptions.ReloadInterval"/>. A changed, valid
/// document applies from the next delivery on; an invalid one is refused whole, logged, and the rules in use stay.
/// Polling rather than a file watcher: a ConfigMap volume changes by swapping a symlink, which watchers miss.
/// </summary>
public sealed partial class RulesWatcher(
    ActiveRules active, IOptions<ProcessingOptions> options, ProcessingMetrics metrics, TimeProvider time, ILogger<RulesWatcher> logger)
    : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var (rules, error) = await RulesLoader.LoadFileAsync(options.Value, cancellationToken).ConfigureAwait(false);
        if (rules is null)
        {
            throw new InvalidOperationException($"The processing rules are invalid, nothing is applied: {error}");
        }

        active.Use(rules);
        metrics.RulesLoaded(rules.Version);
        LogLoaded(logger, rules.Version, options.Value.RulesFile!);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? refusedText = null;
        using var timer = new PeriodicTimer(options.Value.ReloadInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            string text;
            try
            {
                text = await File.ReadAllTextAsync(options.Value.RulesFile!, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A ConfigMap update swaps the file under us; the next tick reads the new one.
                LogUnreadable(logger, options.Value.RulesFile!, ex.Message);
                continue;
            }

            if (text == active.Current.Text || text == refusedText)
            {
                continue;
            }

            var (rules, error) = text.Length > RulesLoader.MaxRulesFileBytes
                ? (null, $"more than {RulesLoader.MaxRulesFileBytes} characters")
                : RulesLoader.Compile(text, RulesLoader.Secrets(options.Value));
            if (rules is null)
            {
                refusedText = text;
                metrics.RulesRefused();
                LogRefused(logger, options.Value.RulesFile!, active.Current.Version, error!);
                continue;
            }

            var previous = active.Current.Version;
            active.Use(rules);
            refusedText = null;
            metrics.RulesApplied(rules.Version);
            LogApplied(logger, previous, rules.Version);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Processing rules {Version} loaded from {RulesFile}")]
    private static partial void LogLoaded(ILogger logger, string version, string rulesFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Processing rules changed from {PreviousVersion} to {Version}; deliveries from now on use the new rules")]
    private static partial void LogApplied(ILogger logger, string previousVersion, string version);

    [LoggerMessage(Level = LogLevel.Error, Message = "The changed processing rules in {RulesFile} are invalid and were NOT applied; rules {Version} stay in use: {Error}")]
    private static partial void LogRefused(ILogger logger, string rulesFile, string version, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the processing rules file {RulesFile}, trying again: {Error}")]
    private static partial void LogUnreadable(ILogger logger, string rulesFile, string error);
}
