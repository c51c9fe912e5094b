using Grpc.Core;
using Grpc.Core.Interceptors;
using LogDapr.DevSidecar.Cli;

namespace LogDapr.DevSidecar.Grpc;

/// <summary>With --dapr-api-token set, every gRPC call must carry it in the <c>dapr-api-token</c> metadata, as with daprd.</summary>
public sealed class ApiTokenInterceptor(SidecarOptions options) : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        if (options.ApiToken is { } expected && context.RequestHeaders.GetValue("dapr-api-token") != expected)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "authentication error: api token mismatch"));
        }

        return continuation(request, context);
    }
}
