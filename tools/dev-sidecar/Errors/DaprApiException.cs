using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Status = Grpc.Core.Status;

namespace LogDapr.DevSidecar.Errors;

/// <summary>
/// An API error carrying both of daprd's mappings (gRPC status and HTTP status + ERR_* code), so the building
/// blocks raise one exception and each front end reports it the way daprd would. Texts, codes and statuses are
/// those of daprd v1.16.0 (pkg/messages, pkg/api/errors, pkg/api/grpc, pkg/api/http); errors daprd builds with
/// dapr/kit also carry <see cref="Details"/>.
/// </summary>
public sealed class DaprApiException(StatusCode grpcCode, int httpStatus, string errorCode, string message, Exception? inner = null, ErrorDetails? details = null)
    : Exception(message, inner)
{
    public StatusCode GrpcCode { get; } = grpcCode;
    public int HttpStatus { get; } = httpStatus;
    public string ErrorCode { get; } = errorCode;
    public ErrorDetails? Details { get; } = details;

    /// <summary>
    /// False where daprd's HTTP handler answers with a plain APIError (no <c>details</c>) although its gRPC
    /// handler attaches an ErrorInfo (state writes, transactions, bindings).
    /// </summary>
    public bool DetailsOverHttp { get; init; } = true;

    public RpcException ToRpcException()
    {
        var status = new Status(GrpcCode, Message);
        if (Details is null)
        {
            return new RpcException(status);
        }

        // dapr/kit: details in order ResourceInfo (when present), ErrorInfo, as grpc-status-details-bin.
        var rich = new Google.Rpc.Status { Code = (int)GrpcCode, Message = Message };
        if (Details.Resource is { } resource)
        {
            rich.Details.Add(Any.Pack(new ResourceInfo { ResourceType = resource.Type, ResourceName = resource.Name, Owner = resource.Owner, Description = resource.Description }));
        }

        var info = new ErrorInfo { Domain = "dapr.io", Reason = Details.Reason };
        foreach (var (key, value) in Details.Metadata ?? new Dictionary<string, string>())
        {
            info.Metadata[key] = value;
        }

        rich.Details.Add(Any.Pack(info));
        return new RpcException(status, new Metadata { { "grpc-status-details-bin", rich.ToByteArray() } });
    }

    // ---- pub/sub (pkg/api/errors/pubsub.go) ----
    private static ErrorDetails PubSubDetails(string reason, string pubsub, IReadOnlyDictionary<string, string>? metadata, string? description) =>
        new(reason, metadata, description is null ? null : new ResourceDetail("pubsub", pubsub, "", description));

    public static DaprApiException PubSubNotFound(string name) =>
        new(StatusCode.InvalidArgument, 404, "ERR_PUBSUB_NOT_FOUND", $"pubsub {name} is not found", details: PubSubDetails("DAPR_PUBSUB_NOT_FOUND", name, null, null));

    public static DaprApiException PubSubNameEmpty(IReadOnlyDictionary<string, string>? metadata = null) =>
        new(StatusCode.InvalidArgument, 404, "ERR_PUBSUB_EMPTY", "pubsub name is empty",
            details: PubSubDetails("DAPR_PUBSUB_NAME_EMPTY", "", metadata, "pubsub name is empty"));

    public static DaprApiException TopicEmpty(string pubsub, IReadOnlyDictionary<string, string>? metadata = null) =>
        new(StatusCode.InvalidArgument, 404, "ERR_TOPIC_NAME_EMPTY", $"topic is empty in pubsub {pubsub}",
            details: PubSubDetails("DAPR_PUBSUB_TOPIC_NAME_EMPTY", pubsub, metadata, $"topic is empty in pubsub {pubsub}"));

    public static DaprApiException PubSubMetadata(string pubsub, string detail, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var message = $"failed deserializing metadata. Error: {detail}";
        return new(StatusCode.InvalidArgument, 400, "ERR_PUBSUB_REQUEST_METADATA", message,
            details: PubSubDetails("DAPR_PUBSUB_METADATA_DESERIALIZATION", pubsub, metadata, message));
    }

    /// <summary>Raised while the envelope is built (PubSub/CloudEventBuilder); the publish API adds the pubsub and app.</summary>
    public static DaprApiException PubSubMetadata(string detail) => PubSubMetadata("", detail);

    /// <summary>Raised while the envelope is built; <see cref="Exception.Message"/> keeps the cause until the publish API rewraps it.</summary>
    public static DaprApiException CloudEventCreation(string detail) =>
        new(StatusCode.InvalidArgument, 500, "ERR_PUBSUB_CLOUD_EVENTS_SER", detail);

    public static DaprApiException CloudEventCreation(string pubsub, string appId, string detail) =>
        new(StatusCode.InvalidArgument, 500, "ERR_PUBSUB_CLOUD_EVENTS_SER", "cannot create cloudevent",
            details: PubSubDetails("DAPR_PUBSUB_CLOUD_EVENT_CREATION", pubsub, new Dictionary<string, string> { ["appID"] = appId, ["error"] = detail }, "cannot create cloudevent"));

    /// <summary>MarshalEvents: a bulk entry without a unique entryId.</summary>
    public static DaprApiException BulkEntries(string pubsub, string topic, string appId, string detail)
    {
        var message = $"error marshaling events to bytes for topic {topic} pubsub {pubsub}. error: {detail}";
        return new(StatusCode.InvalidArgument, 400, "ERR_PUBSUB_EVENTS_SER", message,
            details: PubSubDetails("DAPR_PUBSUB_MARSHAL_EVENTS", pubsub, new Dictionary<string, string> { ["appID"] = appId, ["error"] = detail }, message));
    }

    /// <summary>MarshalEnvelope: an HTTP bulk entry whose event does not fit its content type. daprd's text has an empty error.</summary>
    public static DaprApiException BulkEnvelope(string pubsub, string topic, string appId, string detail)
    {
        var message = $"error when marshalling cloud event envelope for topic {topic} pubsub {pubsub}: {detail}";
        return new(StatusCode.InvalidArgument, 400, "ERR_PUBSUB_EVENTS_SER", message,
            details: PubSubDetails("DAPR_PUBSUB_MARSHAL_ENVELOPE", pubsub, new Dictionary<string, string> { ["appID"] = appId, ["error"] = detail }, message));
    }

    /// <summary>UnmarshalEvents: the HTTP bulk body is not a JSON array of entries.</summary>
    public static DaprApiException BulkUnmarshal(string pubsub, string topic, string appId, string detail)
    {
        var message = $"error when unmarshaling the request for topic {topic} pubsub {pubsub}: {detail}";
        return new(StatusCode.InvalidArgument, 400, "ERR_PUBSUB_EVENTS_SER", message,
            details: PubSubDetails("DAPR_PUBSUB_UNMARSHAL_EVENTS", pubsub, new Dictionary<string, string> { ["appID"] = appId }, message));
    }

    public static DaprApiException PublishFailed(string pubsub, string topic, string detail, Exception? inner = null)
    {
        var message = $"error when publishing to topic {topic} in pubsub {pubsub}: {detail}";
        return new(StatusCode.Internal, 500, "ERR_PUBSUB_PUBLISH_MESSAGE", message, inner,
            PubSubDetails("DAPR_PUBSUB_PUBLISH_MESSAGE", pubsub, new Dictionary<string, string> { ["topic"] = topic, ["error"] = detail }, message));
    }

    /// <summary>The development broker's back-pressure (no daprd equivalent: a real broker would time out or refuse).</summary>
    public static DaprApiException BrokerFull(string pubsub, string topic, int pending, int limit) =>
        new(StatusCode.ResourceExhausted, 500, "ERR_PUBSUB_PUBLISH_MESSAGE",
            $"error when publishing to topic {topic} in pubsub {pubsub}: dev-sidecar broker is full ({pending} pending messages, limit {limit}); retry later");

    // ---- state (pkg/api/errors/state.go, pkg/messages, pkg/api/grpc/grpc.go) ----
    public static DaprApiException StateStoreNotFound(string name) =>
        new(StatusCode.InvalidArgument, 400, "ERR_STATE_STORE_NOT_FOUND", $"state store {name} is not found", details: new ErrorDetails("DAPR_STATE_NOT_FOUND", null));

    public static DaprApiException StateStoresNotConfigured(string name) =>
        new(StatusCode.FailedPrecondition, 500, "ERR_STATE_STORE_NOT_CONFIGURED", $"state store {name} is not configured", details: new ErrorDetails("DAPR_STATE_NOT_CONFIGURED", null));

    public static DaprApiException StateKeyIllegal(string store, string key)
    {
        var message = $"input key/keyPrefix '{key}' can't contain '||'";
        return new(StatusCode.InvalidArgument, 400, "ERR_MALFORMED_REQUEST", message, details: new ErrorDetails("DAPR_STATE_ILLEGAL_KEY", null, new ResourceDetail("state", store)));
    }

    public static DaprApiException StateKeyEmpty() =>
        new(StatusCode.InvalidArgument, 400, "ERR_STATE_SAVE", "state key cannot be empty", details: new ErrorDetails("ERR_STATE_SAVE", null));

    public static DaprApiException StateTransaction(string detail) =>
        new(StatusCode.Internal, 500, "ERR_STATE_TRANSACTION", $"error while executing state transaction: {detail}", details: new ErrorDetails("ERR_STATE_TRANSACTION", null))
        {
            DetailsOverHttp = false,
        };

    public static DaprApiException StateOperationNotSupported(string operation, StatusCode grpcCode, int httpStatus) =>
        new(grpcCode, httpStatus, "ERR_NOT_SUPPORTED_STATE_OPERATION", $"operation type {operation} not supported");

    // ---- bindings ----
    public static DaprApiException BindingFailed(string name, string detail, Exception? inner = null) =>
        new(StatusCode.Internal, 500, "ERR_INVOKE_OUTPUT_BINDING", $"error invoking output binding {name}: {detail}", inner, new ErrorDetails("ERR_INVOKE_OUTPUT_BINDING", null))
        {
            DetailsOverHttp = false,
        };

    // ---- secrets (pkg/messages/predefined.go) ----
    public static DaprApiException SecretStoresNotConfigured() =>
        new(StatusCode.FailedPrecondition, 500, "ERR_SECRET_STORES_NOT_CONFIGURED", "secret store is not configured");

    public static DaprApiException SecretStoreNotFound(string name) =>
        new(StatusCode.InvalidArgument, 401, "ERR_SECRET_STORE_NOT_FOUND", $"failed finding secret store with key {name}");

    // ---- common ----
    public static DaprApiException BadRequest(string detail) =>
        new(StatusCode.InvalidArgument, 400, "ERR_BAD_REQUEST", $"invalid request: {detail}");

    public static DaprApiException Malformed(string detail) =>
        new(StatusCode.InvalidArgument, 400, "ERR_MALFORMED_REQUEST", $"failed deserializing HTTP body: {detail}");

    /// <summary>The HTTP fallback route (service invocation) answering a path that names no app.</summary>
    public static DaprApiException NoAppId() =>
        new(StatusCode.NotFound, 404, "ERR_DIRECT_INVOKE", "failed getting app id either from the URL path or the header dapr-app-id");
}
