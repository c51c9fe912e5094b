using Grpc.Core;

namespace LogDapr.DevSidecar.Errors;

/// <summary>
/// An API error carrying both of daprd's mappings (gRPC status and HTTP status + ERR_* code), so the building
/// blocks raise one exception and each front end reports it the way daprd would.
/// </summary>
public sealed class DaprApiException(StatusCode grpcCode, int httpStatus, string errorCode, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public StatusCode GrpcCode { get; } = grpcCode;
    public int HttpStatus { get; } = httpStatus;
    public string ErrorCode { get; } = errorCode;

    public RpcException ToRpcException() => new(new Status(GrpcCode, Message));

    // Factories named after daprd's messages so call sites read like daprd's code paths.
    public static DaprApiException PubSubNotFound(string name) =>
        new(StatusCode.InvalidArgument, 404, "ERR_PUBSUB_NOT_FOUND", $"pubsub {name} is not found");

    public static DaprApiException PubSubNameEmpty() =>
        new(StatusCode.InvalidArgument, 404, "ERR_PUBSUB_EMPTY", "pubsub name is empty");

    public static DaprApiException TopicEmpty(string pubsub) =>
        new(StatusCode.InvalidArgument, 404, "ERR_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}");

    public static DaprApiException PubSubMetadata(string detail) =>
        new(StatusCode.InvalidArgument, 400, "ERR_PUBSUB_REQUEST_METADATA", $"failed deserializing metadata. Error: {detail}");

    public static DaprApiException CloudEventCreation(string detail) =>
        new(StatusCode.InvalidArgument, 500, "ERR_PUBSUB_CLOUD_EVENTS_SER", $"cannot create cloudevent: {detail}");

    public static DaprApiException BulkEntries(string pubsub, string topic, string detail) =>
        new(StatusCode.InvalidArgument, 400, "ERR_PUBSUB_EVENTS_SER", $"error marshaling events to bytes for topic {topic} pubsub {pubsub}. error: {detail}");

    public static DaprApiException PublishFailed(string pubsub, string topic, string detail, Exception? inner = null) =>
        new(StatusCode.Internal, 500, "ERR_PUBSUB_PUBLISH_MESSAGE", $"error when publishing to topic {topic} in pubsub {pubsub}: {detail}", inner);

    public static DaprApiException BrokerFull(string pubsub, string topic, int pending, int limit) =>
        new(StatusCode.ResourceExhausted, 500, "ERR_PUBSUB_PUBLISH_MESSAGE",
            $"error when publishing to topic {topic} in pubsub {pubsub}: dev-sidecar broker is full ({pending} pending messages, limit {limit}); retry later");

    public static DaprApiException StateStoreNotFound(string name) =>
        new(StatusCode.InvalidArgument, 400, "ERR_STATE_STORE_NOT_FOUND", $"state store {name} is not found");

    public static DaprApiException StateStoresNotConfigured() =>
        new(StatusCode.FailedPrecondition, 500, "ERR_STATE_STORE_NOT_CONFIGURED", "state store is not configured");

    public static DaprApiException BindingNotFound(string name) =>
        new(StatusCode.InvalidArgument, 404, "ERR_INVOKE_OUTPUT_BINDING", $"error invoking output binding {name}: couldn't find output binding {name}");

    public static DaprApiException BindingFailed(string name, string detail, StatusCode code = StatusCode.Internal, Exception? inner = null) =>
        new(code, 500, "ERR_INVOKE_OUTPUT_BINDING", $"error invoking output binding {name}: {detail}", inner);

    public static DaprApiException SecretStoreNotFound(string name) =>
        new(StatusCode.InvalidArgument, 401, "ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {name}");

    public static DaprApiException BadRequest(string detail) =>
        new(StatusCode.InvalidArgument, 400, "ERR_BAD_REQUEST", $"invalid request: {detail}");

    public static DaprApiException Malformed(string detail) =>
        new(StatusCode.InvalidArgument, 400, "ERR_MALFORMED_REQUEST", $"failed deserializing HTTP body: {detail}");
}
