using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// <c>opentelemetry.proto.collector.logs.v1.LogsService/Export</c>, described by hand instead of by generated server
/// code so that its request marshaller is <see cref="OtlpDecoder"/>, the decoder OTLP/HTTP uses, and never throws.
/// </summary>
internal static class OtlpGrpcMethod
{
    public const string Name = "Export";

    /// <summary>The service's full name, from our logs_service.proto.</summary>
    public static string ServiceName { get; } = LogsServiceReflection.Descriptor.Services.Single().FullName;

    /// <summary>The HTTP/2 path of the call: <c>/opentelemetry.proto.collector.logs.v1.LogsService/Export</c>.</summary>
    public static string Path { get; } = $"/{ServiceName}/{Name}";

    public static Method<OtlpGrpcRequest, ExportLogsServiceResponse> Export { get; } = new(
        MethodType.Unary,
        ServiceName,
        Name,
        Marshallers.Create<OtlpGrpcRequest>(
            (request, context) => context.Complete(request.Message?.Bytes.ToArray() ?? []),
            Deserialize),
        Marshallers.Create<ExportLogsServiceResponse>(
            (response, context) => context.Complete(response.ToByteArray()),
            context => ExportLogsServiceResponse.Parser.ParseFrom(context.PayloadAsReadOnlySequence())));

    private static OtlpGrpcRequest Deserialize(DeserializationContext context)
    {
        // gRPC reuses the payload's buffer once the call has its message: the message keeps its own copy of the bytes.
        var (message, error) = OtlpProtobufMessage.Decode(context.PayloadAsReadOnlySequence().ToArray());
        return new OtlpGrpcRequest(message, error, context.PayloadLength);
    }
}
