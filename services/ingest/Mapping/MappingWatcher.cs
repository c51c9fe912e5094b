using LogDapr.Configuration.Ingest;
using LogDapr.ServiceDefaults.Reloading;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Mapping;

/// <summary>
/// Loads the pipeline's field mapping before ingest takes its first request (an invalid document stops the start with
/// the parser's messages), then re-reads the file every <see cref="FieldMappingOptions.FieldMappingReloadInterval"/>
/// as <see cref="DocumentWatcher{T}"/> does for the processor's rules from the same file: a changed document is taken
/// once it has settled; a valid one applies from the next request on; an invalid one is refused whole, logged once,
/// and the mapping in use stays. Without Ingest:FieldMappingFile the built-in aliases stay and nothing is polled.
/// </summary>
internal sealed partial class MappingWatcher(
    PipelineMapping active, IOptions<FieldMappingOptions> options, TimeProvider time, ILogger<MappingWatcher> logger)
    : DocumentWatcher<LoadedMapping>(time, logger)
{
    private readonly FieldMappingOptions settings = options.Value;

    protected override string Kind => "field mapping";

    protected override string FilePath => settings.FieldMappingFile!;

    protected override TimeSpan Interval => settings.FieldMappingReloadInterval;

    protected override long MaxBytes => MappingDocument.MaxFileBytes;

    protected override LoadedMapping? Current => active.Loaded;

    public override Task StartAsync(CancellationToken cancellationToken) =>
        settings.FieldMappingFile is null ? Task.CompletedTask : base.StartAsync(cancellationToken);

    protected override string TextOf(LoadedMapping document) => document.Text;

    protected override (LoadedMapping? Document, string? Error) Compile(string text)
    {
        var (mapping, error) = MappingDocument.Compile(text);
        return (mapping is null ? null : new LoadedMapping(mapping, text), error);
    }

    protected override void Use(LoadedMapping document, LoadedMapping? previous)
    {
        active.Use(document);
        if (previous is null)
        {
            LogLoaded(logger, FilePath);
        }
        else
        {
            LogApplied(logger, FilePath);
        }
    }

    protected override void Refuse(LoadedMapping current, string error) => LogRefused(logger, FilePath, error);

    protected override string InvalidAtStart(string error) =>
        $"Ingest:FieldMappingFile '{FilePath}' is invalid, nothing is applied and ingest does not start: {error}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Field mapping loaded from {MappingFile}")]
    private static partial void LogLoaded(ILogger logger, string mappingFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "Field mapping in {MappingFile} changed; requests from now on are read with the new mapping")]
    private static partial void LogApplied(ILogger logger, string mappingFile);

    [LoggerMessage(Level = LogLevel.Error, Message = "The changed document in {MappingFile} is invalid and its field mapping was NOT applied; the mapping in use stays: {Error}")]
    private static partial void LogRefused(ILogger logger, string mappingFile, string error);
}
