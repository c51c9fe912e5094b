using Google.Protobuf;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Backpressure;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Observability;
using LogDapr.Ingest.Protocols.Otlp.Wire;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// One decoded OTLP export, for both transports: read into events (protobuf: <see cref="OtlpProtobufMessage"/>; OTLP/JSON:
/// transcoded into LogEvent NDJSON by <see cref="OtlpTranscoder"/>), run
/// through the shared <see cref="LogIntake"/>, answered as OTLP (<see cref="OtlpAnswer"/>), counted under its protocol.
/// </summary>
internal sealed class OtlpIntake(LogIntake intake, LogEventReader reader, IngestMetrics metrics, Microsoft.Extensions.Options.IOptions<Configuration.Ingest.IngestOptions> options)
{
    /// <summary>Transcoded NDJSON may be this many times Ingest:MaxBodyBytes (the body was already bounded by it).</summary>
    public const int TranscodeAllowance = 4;

    private readonly int maxTranscodedBytes = (int)Math.Min(int.MaxValue - 1L, (long)options.Value.MaxBodyBytes * TranscodeAllowance);

    /// <summary>An OTLP/JSON export: transcoded, since its strings come from JSON escapes, which may hold what the events' JSON cannot.</summary>
    public Task<OtlpAnswer> ExportAsync(ExportLogsServiceRequest request, string protocol, ApiKeyPrincipal caller,
        string rateLimitClient, string? idempotencyKey, RequestSlot slot, CancellationToken cancellationToken)
    {
        var transcoded = OtlpTranscoder.Transcode(request, reader.Mapping.Separator, idsAsJson: true, maxTranscodedBytes, reader.Limits.MaxEventsPerBatch);
        if (transcoded.Error is { } error)
        {
            return Task.FromResult(Refused(OtlpAnswer.From(new IntakeOutcome.PayloadRefused(error)), ProblemTypes.PayloadTooLarge, protocol));
        }

        return RunAsync(transcoded.Records, new IntakeRequest(protocol, caller, rateLimitClient, transcoded.Ndjson!.WrittenMemory, PayloadFormat.Ndjson,
            "otlp+json", idempotencyKey) { Slot = slot }, protocol, cancellationToken);
    }

    /// <summary>
    /// An OTLP protobuf export (HTTP or gRPC): its records build their events directly, without NDJSON written and read
    /// again. The Idempotency-Key fingerprint is taken of the message's bytes as sent.
    /// </summary>
    public Task<OtlpAnswer> ExportAsync(OtlpProtobufMessage message, string protocol, ApiKeyPrincipal caller,
        string rateLimitClient, string? idempotencyKey, RequestSlot slot, CancellationToken cancellationToken)
    {
        var (events, records, error) = message.Events(maxTranscodedBytes, reader.Limits.MaxEventsPerBatch);
        if (error is not null)
        {
            return Task.FromResult(Refused(OtlpAnswer.From(new IntakeOutcome.PayloadRefused(error)), ProblemTypes.PayloadTooLarge, protocol));
        }

        var fingerprinted = idempotencyKey is null || records == 0 ? ReadOnlyMemory<byte>.Empty : message.Bytes;
        return RunAsync(records, new IntakeRequest(protocol, caller, rateLimitClient, fingerprinted, PayloadFormat.Ndjson, "otlp+protobuf",
            idempotencyKey, Decoded: events) { Slot = slot }, protocol, cancellationToken);
    }

    private async Task<OtlpAnswer> RunAsync(int records, IntakeRequest intakeRequest, string protocol, CancellationToken cancellationToken)
    {
        if (records == 0)
        {
            // An export without records is valid OTLP (the Collector's receiver answers it with success).
            return OtlpAnswer.Ok(new ExportLogsServiceResponse());
        }

        var outcome = await intake.RunAsync(intakeRequest, cancellationToken).ConfigureAwait(false);
        if (outcome.RejectionReason is { } reason)
        {
            metrics.RequestRejected(reason, protocol);
        }
        else if (outcome is IntakeOutcome.Replayed)
        {
            metrics.Duplicate(records, protocol);
        }

        return OtlpAnswer.From(outcome);
    }

    /// <summary>An answer for a request refused before the intake, counted as the JSON API would count it.</summary>
    public OtlpAnswer Refused(OtlpAnswer answer, string problemType, string protocol)
    {
        metrics.RequestRejected(RequestRejections.Of(problemType), protocol);
        return answer;
    }

    public OtlpAnswer Overloaded(string protocol)
        => Refused(OtlpAnswer.From(intake.Overloaded()), ProblemTypes.Overloaded, protocol);
}
