using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Errors;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace LogDapr.DevSidecar.Grpc;

/// <summary>
/// Registers the implemented Dapr RPCs with Grpc.AspNetCore through its code-first extension point. RPCs not
/// listed here get Grpc.AspNetCore's UNIMPLEMENTED answer, as daprd gives for APIs it does not serve.
/// </summary>
public sealed class DaprServiceMethodProvider(SidecarOptions options) : IServiceMethodProvider<DaprGrpcService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<DaprGrpcService> context)
    {
        Add<DaprProto.PublishEventRequest, Empty>(context, "PublishEvent", (s, r, c) => s.PublishEvent(r, c));

        // daprd 1.16 serves only the Alpha1 name (BulkPublishEvent arrived in 1.17); the SDK falls back to it.
        Add<DaprProto.BulkPublishRequest, DaprProto.BulkPublishResponse>(context, "BulkPublishEventAlpha1", (s, r, c) => s.BulkPublishEvent(r, c));
        Add<DaprProto.GetStateRequest, DaprProto.GetStateResponse>(context, "GetState", (s, r, c) => s.GetState(r, c));
        Add<DaprProto.GetBulkStateRequest, DaprProto.GetBulkStateResponse>(context, "GetBulkState", (s, r, c) => s.GetBulkState(r, c));
        Add<DaprProto.SaveStateRequest, Empty>(context, "SaveState", (s, r, c) => s.SaveState(r, c));
        Add<DaprProto.DeleteStateRequest, Empty>(context, "DeleteState", (s, r, c) => s.DeleteState(r, c));
        Add<DaprProto.DeleteBulkStateRequest, Empty>(context, "DeleteBulkState", (s, r, c) => s.DeleteBulkState(r, c));
        Add<DaprProto.ExecuteStateTransactionRequest, Empty>(context, "ExecuteStateTransaction", (s, r, c) => s.ExecuteStateTransaction(r, c));
        Add<DaprProto.InvokeBindingRequest, DaprProto.InvokeBindingResponse>(context, "InvokeBinding", (s, r, c) => s.InvokeBinding(r, c));
        Add<DaprProto.GetSecretRequest, DaprProto.GetSecretResponse>(context, "GetSecret", (s, r, c) => s.GetSecret(r, c));
        Add<DaprProto.GetBulkSecretRequest, DaprProto.GetBulkSecretResponse>(context, "GetBulkSecret", (s, r, c) => s.GetBulkSecret(r, c));
        Add<DaprProto.GetMetadataRequest, DaprProto.GetMetadataResponse>(context, "GetMetadata", (s, r, c) => s.GetMetadata(r, c));
    }

    private void Add<TRequest, TResponse>(
        ServiceMethodProviderContext<DaprGrpcService> context,
        string name,
        UnaryServerMethod<DaprGrpcService, TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        context.AddUnaryMethod(DaprMethods.Unary<TRequest, TResponse>(name, options.MaxBodySize), [], async (service, request, call) =>
        {
            try
            {
                return await handler(service, request, call).ConfigureAwait(false);
            }
            catch (DaprApiException ex)
            {
                throw ex.ToRpcException();
            }
        });
    }
}
