using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using LogDapr.Ingest.Protocols.Otlp.Wire;
using Status = LogDapr.Ingest.Protocols.Otlp.Wire.Status;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>A plain gRPC client of LogsService/Export (Grpc.Net.Client), for what the SDK exporter never sends or hides.</summary>
internal sealed class OtlpGrpc : IDisposable
{
    public const string Path = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

    private static readonly Method<byte[], byte[]> Raw = new(MethodType.Unary, "opentelemetry.proto.collector.logs.v1.LogsService", "Export",
        Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    private readonly GrpcChannel channel;

    public OtlpGrpc(Uri address) => channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxRetryAttempts = 0 });

    public CallInvoker Invoker => channel.CreateCallInvoker();

    /// <summary>Sends <paramref name="message"/> as the request's bytes, gzip-compressed when asked (grpc-encoding: gzip).</summary>
    public async Task<ExportLogsServiceResponse> ExportAsync(byte[] message, Metadata? headers = null, bool gzip = false)
    {
        headers ??= [];
        if (gzip)
        {
            // Grpc.Net.Client's switch for compressing this call's request message.
            headers.Add("grpc-internal-encoding-request", "gzip");
        }

        var answer = await Invoker.AsyncUnaryCall(Raw, null, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)), message);
        return ExportLogsServiceResponse.Parser.ParseFrom(answer);
    }

    public Task<ExportLogsServiceResponse> ExportAsync(ExportLogsServiceRequest request, Metadata? headers = null, bool gzip = false)
        => ExportAsync(request.ToByteArray(), headers, gzip);

    /// <summary>The google.rpc.Status a refusal carries in grpc-status-details-bin.</summary>
    public static Status Details(RpcException refusal)
        => Status.Parser.ParseFrom(refusal.Trailers.GetValueBytes("grpc-status-details-bin")!);

    public void Dispose() => channel.Dispose();
}
