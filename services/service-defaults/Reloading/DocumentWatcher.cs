using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogDapr.ServiceDefaults.Reloading;

/// <summary>
/// A document a service loads before its first request or delivery and keeps re-reading while it runs (the processor's
/// rules, the router's routes, ingest's field mapping). At start an unreadable or invalid document stops the process with every problem. Then the file is
/// re-read every <see cref="Interval"/>: a changed document, once it reads the same on two polls in a row
/// (<see cref="SettledText"/>: never a half-written file), is compiled; if it compiles it is put in use (the next
/// delivery takes it), if not it is refused whole, reported once, and the document in use stays. Polling rather than a
/// file watcher: a ConfigMap volume changes by swapping a symlink, which watchers miss.
/// </summary>
/// <typeparam name="T">The compiled document, immutable, so one instance serves a whole delivery.</typeparam>
public abstract partial class DocumentWatcher<T>(TimeProvider time, ILogger logger) : BackgroundService
    where T : class
{
    private readonly SettledText change = new();

    /// <summary>The last changed text refused, so the same mistake is reported once.</summary>
    private string? refusedText;

    /// <summary>What the document is, for messages: "processing rules", "routes", "field mapping".</summary>
    protected abstract string Kind { get; }

    protected abstract string FilePath { get; }

    protected abstract TimeSpan Interval { get; }

    /// <summary>Larger than any sensible document; bounds what a mistaken mount can make the process read.</summary>
    protected abstract long MaxBytes { get; }

    /// <summary>The document in use, null before the first load.</summary>
    protected abstract T? Current { get; }

    /// <summary>The text <paramref name="document"/> was compiled from (an unchanged file is not compiled again).</summary>
    protected abstract string TextOf(T document);

    /// <returns>The compiled document, or null and every problem in one message.</returns>
    protected abstract (T? Document, string? Error) Compile(string text);

    /// <summary>Puts <paramref name="document"/> in use and reports it; <paramref name="previous"/> is null at start.</summary>
    protected abstract void Use(T document, T? previous);

    /// <summary>Reports a changed document that was not put in use (<see cref="Current"/> stays).</summary>
    protected abstract void Refuse(T current, string error);

    /// <summary>Why the service does not start: the document at start is unreadable or invalid (<paramref name="error"/>).</summary>
    protected virtual string InvalidAtStart(string error) => $"The {Kind} are invalid, nothing is applied: {FilePath}: {error}";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        string? error;
        T? document = null;
        var (text, readError) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (text is null)
        {
            error = readError!.Message;
        }
        else
        {
            (document, error) = Compile(text);
        }

        if (document is null)
        {
            throw new InvalidOperationException(InvalidAtStart(error!));
        }

        Use(document, null);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            await PollAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One poll: reads the file and puts a settled, valid change in use or refuses an invalid one. The loop calls it
    /// every <see cref="Interval"/>; it must not run twice at once (tests call it in place of the loop).
    /// </summary>
    public async Task PollAsync(CancellationToken cancellationToken)
    {
        var (text, readError) = await ReadAsync(cancellationToken).ConfigureAwait(false);
        var current = Current ?? throw new InvalidOperationException($"The {Kind} are polled before they were loaded.");
        if (text is null && readError is TooLarge tooLarge)
        {
            // Refused like an invalid document, once per size (the marker cannot be a document's text).
            var marker = "\0" + tooLarge.Message;
            if (marker != refusedText)
            {
                refusedText = marker;
                Refuse(current, tooLarge.Message);
            }

            return;
        }

        if (text is null)
        {
            // A ConfigMap update swaps the file under us; the next tick reads the new one.
            LogUnreadable(logger, Kind, FilePath, readError!.Message);
            return;
        }

        if (text == TextOf(current) || text == refusedText)
        {
            change.Unchanged();
            return;
        }

        if (!change.Settled(text))
        {
            LogSettling(logger, Kind, FilePath);
            return;
        }

        var (document, error) = Compile(text);
        if (document is null)
        {
            refusedText = text;
            Refuse(current, error!);
            return;
        }

        refusedText = null;
        Use(document, current);
    }

    private async Task<(string? Text, ReadError? Error)> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var length = new FileInfo(FilePath).Length;
            if (length > MaxBytes)
            {
                return (null, new TooLarge($"{length} bytes, more than the {MaxBytes} the {Kind} may have"));
            }

            return (await File.ReadAllTextAsync(FilePath, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, new ReadError(ex.Message));
        }
    }

    private record ReadError(string Message);

    private sealed record TooLarge(string Message) : ReadError(Message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The {Kind} file {File} changed; it is read again at the next poll and taken if it has stayed the same")]
    private static partial void LogSettling(ILogger logger, string kind, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the {Kind} file {File}, trying again: {Error}")]
    private static partial void LogUnreadable(ILogger logger, string kind, string file, string error);
}
