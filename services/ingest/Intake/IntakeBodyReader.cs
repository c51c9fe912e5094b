using LogDapr.Configuration.Ingest;
using LogDapr.Ingest.Backpressure;
using LogDapr.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Intake;

/// <summary>
/// Reads an HTTP request body for every protocol: bounded by Ingest:MaxBodyBytes after decompression (identity or
/// gzip), by Ingest:MaxBodyReadTime and by the replica's body memory budget.
/// </summary>
internal sealed partial class IntakeBodyReader(BodyBudget budget, IOptions<IngestOptions> options, TimeProvider time, ILogger<IntakeBodyReader> logger)
{
    private readonly IngestOptions settings = options.Value;

    /// <summary>
    /// The body, or why it was not read. A body that ends early, stalls or trickles is the client's fault, and the
    /// connection is closed after the answer (what is left of the body is not read).
    /// </summary>
    public async Task<(BodyFailure? Failure, PooledBody? Body)> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        // A body that is already in the server's buffers (a small request usually arrives with its headers) cannot stall
        // or trickle: it is read without arming a timer, which would cost a timer-queue entry per request.
        var arrived = HasArrived(request);
        using var deadline = arrived ? null : new CancellationTokenSource(settings.MaxBodyReadTime, time);
        using var readCancellation = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, deadline.Token);
        BodyReadResult read;
        try
        {
            read = await RequestBodyReader.ReadAsync(request, settings.MaxBodyBytes, readCancellation?.Token ?? context.RequestAborted, budget)
                .ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own limits: the size cap, its minimum data rate (408), a body that ended before its length (400).
            LogBodyNotRead(logger, ex.Message);
            return (CloseAfter(context, ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => new BodyFailure(BodyFailureKind.TooLarge, ex.Message),
                StatusCodes.Status408RequestTimeout => new BodyFailure(BodyFailureKind.TooSlow, ex.Message),
                _ => new BodyFailure(BodyFailureKind.Incomplete, ex.Message),
            }), null);
        }
        catch (OperationCanceledException) when (deadline?.IsCancellationRequested == true && !context.RequestAborted.IsCancellationRequested)
        {
            LogBodyNotRead(logger, $"not complete within {settings.MaxBodyReadTime}");
            return (CloseAfter(context, new BodyFailure(BodyFailureKind.TimedOut, "")), null);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away mid-body; the answer is for the metrics and logs, it will not reach anyone.
            LogBodyNotRead(logger, "the connection closed before the body was complete");
            return (CloseAfter(context, new BodyFailure(BodyFailureKind.Incomplete, "the connection closed before the body was complete")), null);
        }

        return read.Status switch
        {
            BodyReadStatus.Ok => (null, read.Body),
            BodyReadStatus.TooLarge => (new BodyFailure(BodyFailureKind.TooLarge, ""), null),
            BodyReadStatus.UnsupportedEncoding => (new BodyFailure(BodyFailureKind.UnsupportedEncoding, read.Encoding!), null),
            BodyReadStatus.CorruptEncoding => (new BodyFailure(BodyFailureKind.CorruptEncoding, read.Encoding!), null),
            _ => (new BodyFailure(BodyFailureKind.Overloaded, "body memory budget"), null),
        };
    }

    /// <summary>Whether the whole body is already buffered; a body the server found broken is read (and refused) the usual way.</summary>
    private static bool HasArrived(HttpRequest request)
    {
        try
        {
            if (!request.BodyReader.TryRead(out var buffered))
            {
                return false;
            }

            request.BodyReader.AdvanceTo(buffered.Buffer.Start);
            return buffered.IsCompleted;
        }
        catch (Exception ex) when (ex is BadHttpRequestException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static BodyFailure CloseAfter(HttpContext context, BodyFailure failure)
    {
        context.Response.Headers.Connection = "close";
        return failure;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Request body not read: {Reason}")]
    private static partial void LogBodyNotRead(ILogger logger, string reason);
}
