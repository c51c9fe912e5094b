using Dapr;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Configuration;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace LogDapr.ServiceDefaults.Sidecar;

/// <summary>
/// A gRPC channel to the Dapr sidecar for the clients that speak daprd's API directly (the SDK hides what they need),
/// set up as the SDK's DaprClient is: same endpoint, same reconnect backoff, the API token on every call.
/// </summary>
public sealed class DaprSidecarConnection : IDisposable
{
    private readonly GrpcChannel channel;

    /// <param name="grpcEndpoint">daprd's gRPC endpoint (DAPR_GRPC_ENDPOINT or DAPR_GRPC_PORT, as the SDK resolves it).</param>
    /// <param name="apiToken">DAPR_API_TOKEN, sent as <c>dapr-api-token</c> when set.</param>
    public DaprSidecarConnection(string grpcEndpoint, string? apiToken)
    {
        channel = GrpcChannel.ForAddress(grpcEndpoint, ChannelOptions());
        Client = new DaprProto.Dapr.DaprClient(channel);
        if (!string.IsNullOrEmpty(apiToken))
        {
            Headers.Add("dapr-api-token", apiToken);
        }
    }

    public DaprProto.Dapr.DaprClient Client { get; }

    /// <summary>The headers every call carries.</summary>
    public Metadata Headers { get; } = [];

    /// <summary>Where the SDK's DaprClient connects, resolved the same way.</summary>
    public static DaprSidecarConnection FromConfiguration(IConfiguration configuration)
        => new(DaprDefaults.GetDefaultGrpcEndpoint(configuration), DaprDefaults.GetDefaultDaprApiToken(configuration));

    public static GrpcChannelOptions ChannelOptions() => new()
    {
        ThrowOperationCanceledOnCancellation = true,
        // gRPC's default reconnect backoff grows to 2 minutes; a restarted sidecar must be usable within a second.
        InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
        MaxReconnectBackoff = TimeSpan.FromSeconds(1),
    };

    public void Dispose() => channel.Dispose();
}
