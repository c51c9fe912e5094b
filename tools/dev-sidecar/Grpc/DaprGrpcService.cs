using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Runtime;
using LogDapr.DevSidecar.State;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace LogDapr.DevSidecar.Grpc;

/// <summary>
/// The Dapr gRPC API the .NET SDK calls, mapped onto the embedded building blocks as daprd v1.16.0 maps them
/// (pkg/api/grpc/grpc.go). Every call is made as the app id whose port it arrived on.
/// </summary>
public sealed class DaprGrpcService(SidecarRuntime runtime, ApiCallers callers)
{
    private static readonly Empty EmptyResponse = new();

    public async Task<Empty> PublishEvent(DaprProto.PublishEventRequest request, ServerCallContext context)
    {
        var appId = Caller(context);
        runtime.Publisher.Validate(appId, request.PubsubName, request.Topic, request.Metadata);
        if (runtime.Options.BenchDiscardPublishes)
        {
            return EmptyResponse;
        }

        var message = runtime.Publisher.Envelope(appId, request.PubsubName, request.Topic, request.Data.Memory, request.DataContentType, request.Metadata,
            context.RequestHeaders.GetValue("traceparent"));
        await runtime.Publisher.PublishAsync(request.PubsubName, request.Topic, message, context.CancellationToken).ConfigureAwait(false);
        return EmptyResponse;
    }

    /// <summary>
    /// BulkPublishEventAlpha1 (daprd 1.16 serves no other name). Any failed entry fails the call with the error and an
    /// empty response; <c>failedEntries</c> never reaches a gRPC client.
    /// </summary>
    public async Task<DaprProto.BulkPublishResponse> BulkPublishEvent(DaprProto.BulkPublishRequest request, ServerCallContext context)
    {
        var appId = Caller(context);
        runtime.Publisher.Validate(appId, request.PubsubName, request.Topic, request.Metadata);
        if (runtime.Options.BenchDiscardPublishes)
        {
            return new DaprProto.BulkPublishResponse();
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<BulkPublishEntry>(request.Entries.Count);
        foreach (var entry in request.Entries)
        {
            if (string.IsNullOrEmpty(entry.EntryId) || !seen.Add(entry.EntryId))
            {
                throw DaprApiException.BulkEntries(request.PubsubName, request.Topic, appId, "entryId is duplicated or not present for entry");
            }

            // Entry metadata overrides request metadata (utils.PopulateMetadataForBulkPublishEntry); an entry without
            // metadata gets none at all, as daprd only merges when the entry has some.
            var metadata = new Dictionary<string, string>();
            if (entry.Metadata.Count > 0)
            {
                foreach (var (key, value) in request.Metadata)
                {
                    metadata[key] = value;
                }

                foreach (var (key, value) in entry.Metadata)
                {
                    metadata[key] = value;
                }
            }

            entries.Add(new BulkPublishEntry(entry.EntryId, runtime.Publisher.Envelope(appId, request.PubsubName, request.Topic, entry.Event.Memory, entry.ContentType, metadata,
                context.RequestHeaders.GetValue("traceparent"))));
        }

        try
        {
            await runtime.Publisher.BulkPublishAsync(request.PubsubName, request.Topic, entries, context.CancellationToken).ConfigureAwait(false);
        }
        catch (BulkPublishFailedException ex)
        {
            throw ex.Error;
        }

        return new DaprProto.BulkPublishResponse();
    }

    public Task<DaprProto.GetStateResponse> GetState(DaprProto.GetStateRequest request, ServerCallContext context)
    {
        var item = runtime.State.Get(Caller(context), request.StoreName, request.Key);
        var response = new DaprProto.GetStateResponse();
        if (item is not null)
        {
            response.Data = ByteString.CopyFrom(item.Value);
            response.Etag = item.ETag ?? "";
            Put(response.Metadata, item.Metadata);
        }

        return Task.FromResult(response);
    }

    public Task<DaprProto.GetBulkStateResponse> GetBulkState(DaprProto.GetBulkStateRequest request, ServerCallContext context)
    {
        var response = new DaprProto.GetBulkStateResponse();
        foreach (var (key, item, error) in runtime.State.BulkGet(Caller(context), request.StoreName, request.Keys))
        {
            var bulkItem = new DaprProto.BulkStateItem { Key = key, Error = error ?? "" };
            if (item is not null)
            {
                bulkItem.Data = ByteString.CopyFrom(item.Value);
                bulkItem.Etag = item.ETag ?? "";
                Put(bulkItem.Metadata, item.Metadata);
            }

            response.Items.Add(bulkItem);
        }

        return Task.FromResult(response);
    }

    public Task<Empty> SaveState(DaprProto.SaveStateRequest request, ServerCallContext context)
    {
        var appId = Caller(context);
        runtime.StateStores.Resolve(appId, request.StoreName);
        if (request.States.Any(s => s.Key.Length == 0))
        {
            throw DaprApiException.StateKeyEmpty();
        }

        runtime.State.Save(appId, request.StoreName, request.States.Select(ToWrite).ToList());
        return Task.FromResult(EmptyResponse);
    }

    public Task<Empty> DeleteState(DaprProto.DeleteStateRequest request, ServerCallContext context)
    {
        runtime.State.Delete(Caller(context), request.StoreName,
            new StateDelete(request.Key, request.Etag?.Value, Concurrency(request.Options), request.Metadata));
        return Task.FromResult(EmptyResponse);
    }

    public Task<Empty> DeleteBulkState(DaprProto.DeleteBulkStateRequest request, ServerCallContext context)
    {
        runtime.State.BulkDelete(Caller(context), request.StoreName,
            request.States.Select(s => new StateDelete(s.Key, s.Etag?.Value, Concurrency(s.Options), s.Metadata)).ToList());
        return Task.FromResult(EmptyResponse);
    }

    public Task<Empty> ExecuteStateTransaction(DaprProto.ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        var appId = Caller(context);
        runtime.StateStores.Resolve(appId, request.StoreName);
        var operations = new List<object>();
        foreach (var op in request.Operations)
        {
            var item = op.Request ?? new DaprProto.StateItem();
            operations.Add(op.OperationType switch
            {
                "upsert" => ToWrite(item),
                "delete" => new StateDelete(item.Key, item.Etag?.Value, Concurrency(item.Options), item.Metadata),
                _ => throw DaprApiException.StateOperationNotSupported(op.OperationType, StatusCode.Unimplemented, 500),
            });
        }

        runtime.State.Transact(appId, request.StoreName, operations);
        return Task.FromResult(EmptyResponse);
    }

    public async Task<DaprProto.InvokeBindingResponse> InvokeBinding(DaprProto.InvokeBindingRequest request, ServerCallContext context)
    {
        var result = await runtime.Bindings.InvokeAsync(Caller(context), request.Name, request.Operation, request.Data.Memory, request.Metadata, context.CancellationToken).ConfigureAwait(false);
        var response = new DaprProto.InvokeBindingResponse { Data = ByteString.CopyFrom(result.Data) };
        Put(response.Metadata, result.Metadata);
        return response;
    }

    public Task<DaprProto.GetSecretResponse> GetSecret(DaprProto.GetSecretRequest request, ServerCallContext context)
    {
        var store = runtime.Catalog.SecretStoreFor(Caller(context), request.StoreName);
        var response = new DaprProto.GetSecretResponse();

        // secretstores.local.env answers a variable that is not set (or not readable) with an empty value, not an error.
        Put(response.Data, store.GetSecret(request.Key) ?? new Dictionary<string, string> { [request.Key] = "" });
        return Task.FromResult(response);
    }

    public Task<DaprProto.GetBulkSecretResponse> GetBulkSecret(DaprProto.GetBulkSecretRequest request, ServerCallContext context)
    {
        var store = runtime.Catalog.SecretStoreFor(Caller(context), request.StoreName);
        var response = new DaprProto.GetBulkSecretResponse();
        foreach (var (name, values) in store.BulkGetSecret())
        {
            var secret = new DaprProto.SecretResponse();
            Put(secret.Secrets, values);
            response.Data[name] = secret;
        }

        return Task.FromResult(response);
    }

    public Task<DaprProto.GetMetadataResponse> GetMetadata(DaprProto.GetMetadataRequest request, ServerCallContext context)
    {
        var metadata = runtime.Metadata(Caller(context));
        var response = new DaprProto.GetMetadataResponse { Id = metadata.Id, RuntimeVersion = metadata.RuntimeVersion };
        foreach (var c in metadata.Components)
        {
            var registered = new DaprProto.RegisteredComponents { Name = c.Name, Type = c.Type, Version = c.Version };
            registered.Capabilities.Add(c.Capabilities);
            response.RegisteredComponents.Add(registered);
        }

        foreach (var s in metadata.Subscriptions)
        {
            var subscription = new DaprProto.PubsubSubscription
            {
                PubsubName = s.PubSubName,
                Topic = s.Topic,
                DeadLetterTopic = s.DeadLetterTopic ?? "",
                Type = s.Declarative ? DaprProto.PubsubSubscriptionType.Declarative : DaprProto.PubsubSubscriptionType.Programmatic,
                Rules = new DaprProto.PubsubSubscriptionRules(),
            };
            Put(subscription.Metadata, s.Metadata);
            subscription.Rules.Rules.Add(s.Rules.Select(r => new DaprProto.PubsubSubscriptionRule { Match = r.Match, Path = r.Path }));
            response.Subscriptions.Add(subscription);
        }

        Put(response.ExtendedMetadata, metadata.Extended);
        return Task.FromResult(response);
    }

    private string Caller(ServerCallContext context) => callers.AppIdOf(context.GetHttpContext());

    private static void Put(Google.Protobuf.Collections.MapField<string, string> target, IEnumerable<KeyValuePair<string, string>> source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }

    private static StateWrite ToWrite(DaprProto.StateItem item) =>
        new(item.Key, item.Value.ToByteArray(), item.Etag?.Value, Concurrency(item.Options), item.Metadata);

    // stateConcurrencyToString (pkg/api/grpc/util.go).
    private static string Concurrency(DaprProto.StateOptions? options) => options?.Concurrency switch
    {
        DaprProto.StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite => StateWrite.FirstWriteMode,
        DaprProto.StateOptions.Types.StateConcurrency.ConcurrencyLastWrite => StateWrite.LastWriteMode,
        _ => "",
    };
}
