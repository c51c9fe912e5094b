using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using LogDapr.Processing.Enrichment;
using LogDapr.ServiceDefaults.Sidecar;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// The enrichment tier in the Dapr state store, spoken over daprd's gRPC API directly. The SDK's bulk get drops each
/// item's <c>error</c>; daprd answers a bulk get on an unreachable store with a successful response whose every item
/// carries one (pkg/api/grpc/grpc.go GetBulkState, state.DoBulkGet), so through the SDK an outage looked like "no
/// entries" and the breaker never opened. Here any item error fails the whole call: the keys go on to Postgres and the
/// failure counts for the breaker. Values are JSON as the SDK writes them (web defaults), so the CRUD API's writes
/// through the SDK and these reads agree.
/// </summary>
public sealed class MetadataStateStore : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly DaprSidecarConnection sidecar;
    private readonly DaprProto.Dapr.DaprClient client;
    private readonly Metadata headers;

    /// <param name="grpcEndpoint">daprd's gRPC endpoint (DAPR_GRPC_ENDPOINT or DAPR_GRPC_PORT, as the SDK resolves it).</param>
    /// <param name="apiToken">DAPR_API_TOKEN, sent as <c>dapr-api-token</c> when set.</param>
    public MetadataStateStore(string storeName, string grpcEndpoint, string? apiToken)
    {
        StoreName = storeName;
        sidecar = new DaprSidecarConnection(grpcEndpoint, apiToken);
        client = sidecar.Client;
        headers = sidecar.Headers;
    }

    public string StoreName { get; }

    /// <summary>The entries the store holds for <paramref name="keys"/>, by state key; keys it has no entry for are missing.</summary>
    /// <exception cref="StateStoreUnavailableException">The call failed, or the store failed at least one key.</exception>
    public async Task<Dictionary<string, MetadataStateEntry>> GetAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var request = new DaprProto.GetBulkStateRequest { StoreName = StoreName };
        request.Keys.AddRange(keys);
        var response = await client.GetBulkStateAsync(request, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        var entries = new Dictionary<string, MetadataStateEntry>(StringComparer.Ordinal);
        var failed = 0;
        string? firstError = null;
        foreach (var item in response.Items)
        {
            if (item.Error.Length > 0)
            {
                failed++;
                firstError ??= item.Error;
            }
            else if (!item.Data.IsEmpty && JsonSerializer.Deserialize<MetadataStateEntry>(item.Data.Span, Json) is { } entry)
            {
                entries[item.Key] = entry;
            }
        }

        if (failed > 0)
        {
            throw new StateStoreUnavailableException($"state store {StoreName} failed {failed} of {keys.Count} keys: {firstError}");
        }

        return entries;
    }

    /// <summary>Writes every item in one bulk save (last write wins: no ETag).</summary>
    public async Task SaveAsync(IEnumerable<(MetadataKey Key, IReadOnlyDictionary<string, string>? Attributes, IReadOnlyDictionary<string, string> Metadata)> items,
        CancellationToken cancellationToken)
    {
        var request = new DaprProto.SaveStateRequest { StoreName = StoreName };
        foreach (var (key, attributes, metadata) in items)
        {
            var item = new DaprProto.StateItem
            {
                Key = MetadataStateEntry.Key(key),
                Value = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(MetadataStateEntry.For(attributes), Json)),
            };
            foreach (var (name, value) in metadata)
            {
                item.Metadata[name] = value;
            }

            request.States.Add(item);
        }

        await client.SaveStateAsync(request, headers, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => sidecar.Dispose();
}

/// <summary>The state store answered, but failed keys (daprd reports a store's failure per item in a bulk get).</summary>
public sealed class StateStoreUnavailableException(string message) : Exception(message);
