namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// The message of an OTLP/gRPC Export call as the service sees it: decoded, or why it could not be. The decoding
/// happens in the marshaller, and a marshaller that throws makes gRPC answer UNKNOWN; this way a malformed message is
/// answered INVALID_ARGUMENT by the service, as OTLP/HTTP answers 400. <paramref name="PayloadBytes"/> is the message's
/// size after grpc-encoding is undone, what the service holds against Ingest:MaxInFlightBodyBytes.
/// </summary>
internal sealed record OtlpGrpcRequest(OtlpProtobufMessage? Message, string? Error, int PayloadBytes);
