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
/// One decoded OTLP export, for both transports: read into events (protobuf: <see cref="OtlpEvents"/>; OTLP/JSON:
/// transcoded into LogEvent NDJSON by <see cref="OtlpTranscoder"/>), run
/// through the shared <see cref="LogIntake"/>, answered as OTLP (<see cref="OtlpAnswer"/>), counted under its protocol.
/// </summary>
internal sealed class OtlpIntake(LogIntake intake, LogEventReader reader, IngestMetrics metrics, Microsoft.Extensions.Options.IOptions<Configuration.Ingest.IngestOptions> options)
{
    /// <summary>Transcoded NDJSON may be this many times Ingest:MaxBodyBytes (the body was already bounded by it).</summary>
    public const int TranscodeAllowance = 4;

    private readonly int maxTranscodedBytes = (int)Math.Min(int.MaxValue - 1L, (long)options.Value.MaxBodyBytes * TranscodeAllowance);

    public async Task<OtlpAnswer> ExportAsync(ExportLogsServiceRequest request, bool idsAsJson, string protocol, ApiKeyPrincipal caller,
        string rateLimitClient, string fingerprintContentType, string? idempotencyKey, RequestSlot slot, CancellationToken cancellationToken)
    {
        int records;
        IntakeRequest intakeRequest;
        if (idsAsJson)
        {
            // OTLP/JSON is transcoded: its strings come from JSON escapes, which may hold what the events' JSON cannot.
            var transcoded = OtlpTranscoder.Transcode(request, reader.Mapping.Separator, idsAsJson, maxTranscodedBytes, reader.Limits.MaxEventsPerBatch);
            if (transcoded.Error is { } error)
            {
                return Refused(OtlpAnswer.From(new IntakeOutcome.PayloadRefused(error)), ProblemTypes.PayloadTooLarge, protocol);
            }

            records = transcoded.Records;
            intakeRequest = new IntakeRequest(protocol, caller, rateLimitClient, transcoded.Ndjson!.WrittenMemory, PayloadFormat.Ndjson,
                fingerprintContentType, idempotencyKey) { Slot = slot };
        }
        else
        {
            // Protobuf records build their events directly (OtlpEvents): the same events as transcoding, without the
            // NDJSON written and read again. The Idempotency-Key fingerprint is taken of the message's protobuf bytes.
            var (events, error) = OtlpEvents.Of(request, idsAsJson: false, maxTranscodedBytes, reader.Limits.MaxEventsPerBatch);
            if (error is not null)
            {
                return Refused(OtlpAnswer.From(new IntakeOutcome.PayloadRefused(error)), ProblemTypes.PayloadTooLarge, protocol);
            }

            records = events!.Records;
            var fingerprinted = idempotencyKey is null || records == 0 ? ReadOnlyMemory<byte>.Empty : request.ToByteArray();
            intakeRequest = new IntakeRequest(protocol, caller, rateLimitClient, fingerprinted, PayloadFormat.Ndjson, fingerprintContentType,
                idempotencyKey, Decoded: events) { Slot = slot };
        }

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
