using Grpc.Core;
using LogDapr.DevSidecar.Errors;

namespace LogDapr.DevSidecar.State;

/// <summary>
/// A state store's failure as the API reports it: daprd's getStateErrorCode (gRPC) and etagError (HTTP) in
/// v1.16.0 pkg/api/grpc/grpc.go and pkg/api/http/http.go. Here rather than in <see cref="DaprApiException"/> so that
/// the error type does not depend on the state stores.
/// </summary>
internal static class StateApiErrors
{
    /// <summary>GetState over a failing component: always INTERNAL / 500, daprd's messages.ErrStateGet.</summary>
    public static DaprApiException Get(string key, string store, StateStoreException error) =>
        new(StatusCode.Internal, 500, "ERR_STATE_GET", $"fail to get {key} from state store {store}: {error.Message}", error, new ErrorDetails("ERR_STATE_GET", null))
        {
            DetailsOverHttp = false,
        };

    public static DaprApiException Save(string store, StateStoreException error) =>
        From(error, "ERR_STATE_SAVE", $"failed saving state in state store {store}: {error.Message}");

    public static DaprApiException Delete(string key, StateStoreException error) =>
        From(error, "ERR_STATE_DELETE", $"failed deleting state with key {key}: {error.Message}");

    public static DaprApiException BulkDelete(string store, StateStoreException error) =>
        From(error, "ERR_STATE_BULK_DELETE", $"failed deleting state in state store {store}: {error.Message}");

    private static DaprApiException From(StateStoreException error, string code, string message) => error.Kind switch
    {
        StateErrorKind.ETagMismatch => new(StatusCode.Aborted, 409, code, message, error, new ErrorDetails(code, null)) { DetailsOverHttp = false },
        StateErrorKind.ETagInvalid => new(StatusCode.InvalidArgument, 400, code, message, error, new ErrorDetails(code, null)) { DetailsOverHttp = false },
        _ => new(StatusCode.Internal, 500, code, message, error, new ErrorDetails(code, null)) { DetailsOverHttp = false },
    };
}
