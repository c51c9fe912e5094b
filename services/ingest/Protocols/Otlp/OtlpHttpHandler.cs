using Google.Protobuf;
using LogDapr.Configuration.Ingest;
using LogDapr.Ingest.Backpressure;
using LogDapr.Ingest.Idempotency;
using LogDapr.Ingest.Intake;
using LogDapr.ServiceDefaults.Auth;
using LogDapr.ServiceDefaults.Http;
using LogDapr.ServiceDefaults.Problems;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// OTLP/HTTP on POST /v1/logs: <c>application/x-protobuf</c>, or <c>application/json</c> whose top level has
/// <c>resourceLogs</c> (<see cref="OtlpJsonDetector"/>). Same body limits, slots and intake as the JSON API; answered
/// in the request's encoding with ExportLogsServiceResponse (200) or google.rpc.Status.
/// </summary>
internal sealed class OtlpHttpHandler(OtlpIntake otlp, LogIntake intake, IntakeBodyReader bodies, IOptions<IngestOptions> options)
{
    public const string ProtobufMediaType = "application/x-protobuf";
    public const string JsonMediaType = "application/json";

    // Status details hold RetryInfo in an Any, which JSON can only name with the type registered.
    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithTypeRegistry(Google.Protobuf.Reflection.TypeRegistry.FromMessages(Wire.RetryInfo.Descriptor)));

    private readonly IngestOptions settings = options.Value;

    public static bool IsProtobuf(string? contentType)
        => MediaTypeHeaderValue.TryParse(contentType, out var media)
            && string.Equals(media.MediaType.Value, ProtobufMediaType, StringComparison.OrdinalIgnoreCase);

    /// <summary>An OTLP/HTTP protobuf request, from its first byte.</summary>
    public async Task<IResult> HandleAsync(HttpContext context)
    {
        if (!TryIdempotencyKey(context, out var key))
        {
            return Render(otlp.Refused(OtlpAnswer.Fail(StatusCodes.Status400BadRequest, Grpc.Core.StatusCode.InvalidArgument,
                "Idempotency-Key must be 1 to 255 printable ASCII characters"), ProblemTypes.InvalidEvents, IngestProtocol.OtlpHttp), OtlpEncoding.Protobuf, context);
        }

        var (failure, read) = await bodies.ReadAsync(context).ConfigureAwait(false);
        if (failure is not null)
        {
            return Render(BodyAnswer(failure), OtlpEncoding.Protobuf, context);
        }

        using var body = read!;
        using var slot = intake.TryTakeSlot();
        if (!slot.IsAcquired)
        {
            return Render(otlp.Overloaded(IngestProtocol.OtlpHttp), OtlpEncoding.Protobuf, context);
        }

        return await ExportAsync(context, body, slot, OtlpEncoding.Protobuf, key).ConfigureAwait(false);
    }

    /// <summary>An OTLP/JSON request whose body the JSON API has read (and whose request slot it holds).</summary>
    public Task<IResult> HandleReadAsync(HttpContext context, PooledBody body, RequestSlot slot, string? idempotencyKey)
        => ExportAsync(context, body, slot, OtlpEncoding.Json, idempotencyKey);

    private async Task<IResult> ExportAsync(HttpContext context, PooledBody body, RequestSlot slot, OtlpEncoding encoding, string? idempotencyKey)
    {
        var caller = context.ApiKey();
        var client = LogIntake.RateLimitClient(context, caller);
        OtlpAnswer answer;
        if (encoding == OtlpEncoding.Protobuf)
        {
            var (message, error) = OtlpProtobufMessage.Decode(body.Memory);
            answer = message is null
                ? Malformed(error!)
                : await otlp.ExportAsync(message, IngestProtocol.OtlpHttp, caller, client, idempotencyKey, slot, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            var (request, error) = OtlpDecoder.Decode(body.Memory, encoding);
            answer = request is null
                ? Malformed(error!)
                : await otlp.ExportAsync(request, IngestProtocol.OtlpHttp, caller, client, idempotencyKey, slot, context.RequestAborted).ConfigureAwait(false);
        }

        return Render(answer, encoding, context);
    }

    private OtlpAnswer Malformed(string error) => otlp.Refused(OtlpAnswer.Fail(StatusCodes.Status400BadRequest, Grpc.Core.StatusCode.InvalidArgument, error),
        ProblemTypes.MalformedPayload, IngestProtocol.OtlpHttp);

    private OtlpAnswer BodyAnswer(BodyFailure failure)
    {
        var (status, code, type, text) = failure.Kind switch
        {
            BodyFailureKind.TooLarge => (StatusCodes.Status413PayloadTooLarge, Grpc.Core.StatusCode.InvalidArgument, ProblemTypes.PayloadTooLarge,
                $"the request body exceeds {settings.MaxBodyBytes} bytes (Ingest:MaxBodyBytes, after decompression)"),
            BodyFailureKind.TimedOut or BodyFailureKind.TooSlow => (StatusCodes.Status408RequestTimeout, Grpc.Core.StatusCode.DeadlineExceeded,
                ProblemTypes.RequestTimeout, "the request body arrived too slowly; nothing was accepted"),
            BodyFailureKind.UnsupportedEncoding => (StatusCodes.Status415UnsupportedMediaType, Grpc.Core.StatusCode.InvalidArgument,
                ProblemTypes.UnsupportedMediaType, $"Content-Encoding '{failure.Detail}' is not accepted; send identity or gzip"),
            BodyFailureKind.CorruptEncoding => (StatusCodes.Status400BadRequest, Grpc.Core.StatusCode.InvalidArgument, ProblemTypes.MalformedPayload,
                $"the body is not valid {failure.Detail} data"),
            BodyFailureKind.Overloaded => (0, Grpc.Core.StatusCode.Unavailable, ProblemTypes.Overloaded, ""),
            _ => (StatusCodes.Status400BadRequest, Grpc.Core.StatusCode.InvalidArgument, ProblemTypes.MalformedPayload,
                $"the request body ended before it was complete ({failure.Detail})"),
        };
        return status == 0
            ? otlp.Overloaded(IngestProtocol.OtlpHttp)
            : otlp.Refused(OtlpAnswer.Fail(status, code, text), type, IngestProtocol.OtlpHttp);
    }

    private static bool TryIdempotencyKey(HttpContext context, out string? key)
    {
        key = null;
        if (!context.Request.Headers.ContainsKey(IdempotencyStore.HeaderName))
        {
            return true;
        }

        var value = context.Request.Headers[IdempotencyStore.HeaderName].ToString();
        key = value;
        return IdempotencyStore.IsValidKey(value);
    }

    private static IResult Render(OtlpAnswer answer, OtlpEncoding encoding, HttpContext context)
    {
        if (answer.RetryAfter is { } delay)
        {
            context.Response.Headers.RetryAfter = OtlpAnswer.Seconds(delay).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        IMessage message = answer.Response is { } response ? response : answer.ToStatus();
        return encoding == OtlpEncoding.Protobuf
            ? new Answer(answer.HttpStatus, ProtobufMediaType, message.ToByteArray())
            : new Answer(answer.HttpStatus, JsonMediaType, System.Text.Encoding.UTF8.GetBytes(Json.Format(message)));
    }

    private sealed class Answer(int status, string contentType, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = contentType;
            httpContext.Response.ContentLength = body.Length;
            return httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
        }
    }
}
