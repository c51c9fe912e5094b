using Google.Protobuf;
using Grpc.Core;
using LogDapr.Ingest.Backpressure;
using LogDapr.Ingest.Idempotency;
using LogDapr.Ingest.Intake;
using LogDapr.Ingest.Protocols.Otlp.Wire;
using Status = Grpc.Core.Status;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Problems;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// OTLP/gRPC LogsService/Export on Ingest:OtlpGrpcPort: the same API keys (from the call's metadata), request slots,
/// body memory budget, intake and OTLP answers as OTLP/HTTP (<see cref="OtlpIntake"/>, <see cref="OtlpAnswer"/>). A refusal is the answer's
/// gRPC status with its google.rpc.Status, RetryInfo included, in <c>grpc-status-details-bin</c>.
/// </summary>
internal sealed class OtlpGrpcService(OtlpIntake otlp, LogIntake intake, BodyBudget budget)
{
    /// <summary>The trailer in which gRPC carries the google.rpc.Status of an error (its details: RetryInfo).</summary>
    public const string StatusDetailsTrailer = "grpc-status-details-bin";

    public async Task<ExportLogsServiceResponse> ExportAsync(OtlpGrpcRequest request, ServerCallContext call)
    {
        var http = call.GetHttpContext();
        http.Features.Get<OtlpGrpcEndpoint.MessageReadDeadline>()?.MessageRead();
        if (http.User.Identity?.IsAuthenticated != true)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated,
                $"a valid API key is required (metadata authorization: Bearer <key>, {ApiKeyAuthenticationHandler.HeaderName.ToLowerInvariant()}: <key>, or Basic auth with the key as password)"));
        }

        if (!ApiKeyClaims.HasRole(http.User, ApiKeyRoles.Write))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "this API key does not have the role logs:write"));
        }

        var key = http.Request.Headers[IdempotencyStore.HeaderName].ToString();
        if (http.Request.Headers.ContainsKey(IdempotencyStore.HeaderName) && !IdempotencyStore.IsValidKey(key))
        {
            throw Refusal(otlp.Refused(OtlpAnswer.Fail(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument,
                "idempotency-key must be 1 to 255 printable ASCII characters"), ProblemTypes.InvalidEvents, IngestProtocol.OtlpGrpc));
        }

        if (request.Message is not { } message)
        {
            throw Refusal(otlp.Refused(OtlpAnswer.Fail(StatusCodes.Status400BadRequest, StatusCode.InvalidArgument, request.Error!),
                ProblemTypes.MalformedPayload, IngestProtocol.OtlpGrpc));
        }

        using var slot = intake.TryTakeSlot();
        if (!slot.IsAcquired)
        {
            throw Refusal(otlp.Overloaded(IngestProtocol.OtlpGrpc));
        }

        // The message stays in memory until the broker confirms its events, so it counts against the same replica-wide
        // allowance as an HTTP body (Ingest:MaxInFlightBodyBytes); beyond it the exporter retries after RetryInfo's delay.
        if (!budget.TryReserve(request.PayloadBytes))
        {
            throw Refusal(otlp.Overloaded(IngestProtocol.OtlpGrpc));
        }

        var caller = http.ApiKey();
        OtlpAnswer answer;
        try
        {
            answer = await otlp.ExportAsync(message, IngestProtocol.OtlpGrpc, caller, LogIntake.RateLimitClient(http, caller),
                key.Length == 0 ? null : key, slot, call.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (call.CancellationToken.IsCancellationRequested)
        {
            // The deadline passed or the client cancelled while the intake waited (the idempotency store); a publish
            // already started is not cancelled, so the client's retry is answered from its outcome.
            throw new RpcException(call.Deadline <= DateTime.UtcNow
                ? new Status(StatusCode.DeadlineExceeded, "the call's deadline passed before ingest answered")
                : new Status(StatusCode.Cancelled, "the call was cancelled"));
        }
        finally
        {
            budget.Release(request.PayloadBytes);
        }

        return answer.Response ?? throw Refusal(answer);
    }

    private static RpcException Refusal(OtlpAnswer answer)
        => new(new Status(answer.GrpcCode, answer.Error ?? ""), new Metadata { { StatusDetailsTrailer, answer.ToStatus().ToByteArray() } });
}
