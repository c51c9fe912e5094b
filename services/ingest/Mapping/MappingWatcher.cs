using LogDapr.Configuration.Ingest;
using LogDapr.ServiceDefaults.Reloading;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Mapping;

/// <summary>
/// Loads the pipeline's field mapping before ingest takes its first request (an invalid document stops the start with
/// the parser's messages), then re-reads the file every <see cref="FieldMappingOptions.FieldMappingReloadInterval"/>.
/// A changed document is taken once it reads the same on two polls in a row (<see cref="SettledText"/>: never a
/// half-written file); a valid one applies from the next request on; an invalid document is refused whole, logged, and the
/// mapping in use stays. Polling, as the processor does with the same file: a ConfigMap volume changes by swapping a
/// symlink, which file watchers miss.
/// </summary>
internal sealed partial class MappingWatcher(
    PipelineMapping active, IOptions<FieldMappingOptions> options, TimeProvider time, ILogger<MappingWatcher> logger)
    : BackgroundService
{
    private readonly FieldMappingOptions settings = options.Value;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (settings.FieldMappingFile is not { } file)
        {
            return;
        }

        var (text, readError) = await MappingDocument.ReadFileAsync(file, cancellationToken).ConfigureAwait(false);
        var (mapping, error) = text is null ? (null, readError) : MappingDocument.Compile(text);
        if (mapping is null)
        {
            throw new InvalidOperationException($"Ingest:FieldMappingFile '{file}' is invalid, nothing is applied and ingest does not start: {error}");
        }

        active.Use(mapping, text!);
        LogLoaded(logger, file);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var file = settings.FieldMappingFile!;
        string? refusedText = null;
        var change = new SettledText();
        using var timer = new PeriodicTimer(settings.FieldMappingReloadInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var (text, readError) = await MappingDocument.ReadFileAsync(file, stoppingToken).ConfigureAwait(false);
            if (text is null)
            {
                // A ConfigMap update swaps the file under us; the next tick reads the new one.
                LogUnreadable(logger, file, readError!);
                continue;
            }

            if (text == active.Text || text == refusedText)
            {
                change.Unchanged();
                continue;
            }

            if (!change.Settled(text))
            {
                LogSettling(logger, file);
                continue;
            }

            var (mapping, error) = MappingDocument.Compile(text);
            if (mapping is null)
            {
                refusedText = text;
                LogRefused(logger, file, error!);
                continue;
            }

            active.Use(mapping, text);
            refusedText = null;
            LogApplied(logger, file);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Field mapping loaded from {MappingFile}")]
    private static partial void LogLoaded(ILogger logger, string mappingFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Field mapping in {MappingFile} changed; requests from now on are read with the new mapping")]
    private static partial void LogApplied(ILogger logger, string mappingFile);

    [LoggerMessage(Level = LogLevel.Error, Message = "The changed document in {MappingFile} is invalid and its field mapping was NOT applied; the mapping in use stays: {Error}")]
    private static partial void LogRefused(ILogger logger, string mappingFile, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The field mapping file {MappingFile} changed; it is read again at the next poll and taken if it has stayed the same")]
    private static partial void LogSettling(ILogger logger, string mappingFile);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the field mapping file {MappingFile}, trying again: {Error}")]
    private static partial void LogUnreadable(ILogger logger, string mappingFile, string error);
}
