using Google.Protobuf;
using Grpc.Core;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace LogDapr.DevSidecar.Grpc;

/// <summary>
/// gRPC method definitions for <c>dapr.proto.runtime.v1.Dapr</c>, built from the message types of Dapr.Protos
/// (which ships no server base class). Each definition is checked against the service descriptor, so a name or
/// type that drifts from the proto fails at start-up instead of on the wire.
/// </summary>
public static class DaprMethods
{
    public const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    /// <param name="maxReceive">daprd's --max-body-size, which grpc-go enforces as MaxRecvMsgSize on the serialized request.</param>
    public static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string name, int maxReceive = int.MaxValue)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var descriptor = DaprProto.Dapr.Descriptor.FindMethodByName(name)
            ?? throw new InvalidOperationException($"{ServiceName} has no method {name}");
        if (descriptor.InputType.ClrType != typeof(TRequest) || descriptor.OutputType.ClrType != typeof(TResponse)
            || descriptor.IsClientStreaming || descriptor.IsServerStreaming)
        {
            throw new InvalidOperationException(
                $"{ServiceName}/{name} is {descriptor.InputType.ClrType?.Name} -> {descriptor.OutputType.ClrType?.Name}, not unary {typeof(TRequest).Name} -> {typeof(TResponse).Name}");
        }

        return new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name, CreateMarshaller<TRequest>(maxReceive), CreateMarshaller<TResponse>(int.MaxValue));
    }

    private static Marshaller<T> CreateMarshaller<T>(int maxReceive)
        where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(
            (T message, SerializationContext context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => context.PayloadLength > maxReceive
                ? throw new RpcException(new Status(StatusCode.ResourceExhausted, $"grpc: received message larger than max ({context.PayloadLength} vs. {maxReceive})"))
                : parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }
}
