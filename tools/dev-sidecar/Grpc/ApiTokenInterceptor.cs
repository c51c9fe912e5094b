using Grpc.Core;
using Grpc.Core.Interceptors;
using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Errors;

namespace LogDapr.DevSidecar.Grpc;

/// <summary>
/// With --dapr-api-token set, every gRPC call must carry it in the <c>dapr-api-token</c> metadata, answered as daprd
/// v1.16.0 answers (pkg/api/grpc/auth.go: ErrorFromHTTPResponseCode(401, ...): UNAUTHENTICATED "Unauthorized").
/// </summary>
public sealed class ApiTokenInterceptor(SidecarOptions options) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (options.ApiToken is { } expected)
        {
            var sent = context.RequestHeaders.Get("dapr-api-token")?.Value;
            if (sent != expected)
            {
                var detail = sent is null ? "missing api token in request metadata" : "authentication error: api token mismatch";
                throw new DaprApiException(StatusCode.Unauthenticated, 401, "Unauthorized", "Unauthorized",
                    details: new ErrorDetails("Unauthorized", new Dictionary<string, string> { ["http.code"] = "401", ["http.error_message"] = detail })).ToRpcException();
            }
        }

        return continuation(request, context);
    }
}
