using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using LogDapr.DevSidecar.Errors;
using LogDapr.DevSidecar.Hosting;
using LogDapr.DevSidecar.PubSub;
using LogDapr.DevSidecar.State;
using DaprProto = Dapr.Client.Autogen.Grpc.v1;

namespace LogDapr.DevSidecar.Grpc;

/// <summary>The Dapr gRPC API the .NET SDK calls, mapped onto the embedded building blocks.</summary>
public sealed class DaprGrpcService(SidecarRuntime runtime)
{
    private static readonly Empty EmptyResponse = new();

    public async Task<Empty> PublishEvent(DaprProto.PublishEventRequest request, ServerCallContext context)
    {
        runtime.Broker.GetPubSub(request.PubsubName);
        if (string.IsNullOrEmpty(request.Topic))
        {
            throw DaprApiException.TopicEmpty(request.PubsubName);
        }

        var message = CloudEventBuilder.Build(
            request.PubsubName,
            request.Topic,
            request.Data.Memory,
            request.DataContentType,
            request.Metadata,
            runtime.Options.AppId,
            context.RequestHeaders.GetValue("traceparent"));
        await runtime.Broker.PublishAsync(request.PubsubName, request.Topic, message, context.CancellationToken).ConfigureAwait(false);
        return EmptyResponse;
    }

    public async Task<DaprProto.BulkPublishResponse> BulkPublishEvent(DaprProto.BulkPublishRequest request, ServerCallContext context)
    {
        runtime.Broker.GetPubSub(request.PubsubName);
        if (string.IsNullOrEmpty(request.Topic))
        {
            throw DaprApiException.TopicEmpty(request.PubsubName);
        }

        // Validates rawPayload on the request level first, as daprd does.
        CloudEventBuilder.IsRawPayload(request.Metadata);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var messages = new List<OutgoingMessage>(request.Entries.Count);
        foreach (var entry in request.Entries)
        {
            if (string.IsNullOrEmpty(entry.EntryId) || !seen.Add(entry.EntryId))
            {
                throw DaprApiException.BulkEntries(request.PubsubName, request.Topic, "entryId is duplicated or not present for entry");
            }

            // Entry metadata overrides request metadata.
            var metadata = new Dictionary<string, string>(request.Metadata);
            foreach (var (key, value) in entry.Metadata)
            {
                metadata[key] = value;
            }

            messages.Add(CloudEventBuilder.Build(request.PubsubName, request.Topic, entry.Event.Memory, entry.ContentType, metadata, runtime.Options.AppId, context.RequestHeaders.GetValue("traceparent")));
        }

        await runtime.Broker.PublishManyAsync(request.PubsubName, request.Topic, messages, context.CancellationToken).ConfigureAwait(false);
        return new DaprProto.BulkPublishResponse();
    }

    public Task<DaprProto.GetStateResponse> GetState(DaprProto.GetStateRequest request, ServerCallContext context)
    {
        var entry = runtime.StateStores.Get(request.StoreName).Get(request.Key);
        var response = new DaprProto.GetStateResponse();
        if (entry is not null)
        {
            response.Data = ByteString.CopyFrom(entry.Value);
            response.Etag = entry.ETag;
            Put(response.Metadata, entry.ResponseMetadata);
        }

        return Task.FromResult(response);
    }

    public Task<DaprProto.GetBulkStateResponse> GetBulkState(DaprProto.GetBulkStateRequest request, ServerCallContext context)
    {
        var store = runtime.StateStores.Get(request.StoreName);
        var response = new DaprProto.GetBulkStateResponse();
        foreach (var key in request.Keys)
        {
            var entry = store.Get(key);
            var item = new DaprProto.BulkStateItem { Key = key };
            if (entry is not null)
            {
                item.Data = ByteString.CopyFrom(entry.Value);
                item.Etag = entry.ETag;
                Put(item.Metadata, entry.ResponseMetadata);
            }

            response.Items.Add(item);
        }

        return Task.FromResult(response);
    }

    public Task<Empty> SaveState(DaprProto.SaveStateRequest request, ServerCallContext context)
    {
        var store = runtime.StateStores.Get(request.StoreName);
        store.Save(request.States.Select(ToWrite).ToList());
        return Task.FromResult(EmptyResponse);
    }

    public Task<Empty> DeleteState(DaprProto.DeleteStateRequest request, ServerCallContext context)
    {
        runtime.StateStores.Get(request.StoreName).Delete(new StateDelete(request.Key, request.Etag?.Value, IsFirstWrite(request.Options)));
        return Task.FromResult(EmptyResponse);
    }

    public Task<Empty> DeleteBulkState(DaprProto.DeleteBulkStateRequest request, ServerCallContext context)
    {
        var store = runtime.StateStores.Get(request.StoreName);
        foreach (var item in request.States)
        {
            store.Delete(new StateDelete(item.Key, item.Etag?.Value, IsFirstWrite(item.Options)));
        }

        return Task.FromResult(EmptyResponse);
    }

    public Task<Empty> ExecuteStateTransaction(DaprProto.ExecuteStateTransactionRequest request, ServerCallContext context)
    {
        var store = runtime.StateStores.Get(request.StoreName);
        var operations = new List<object>();
        foreach (var op in request.Operations)
        {
            var item = op.Request ?? throw DaprApiException.BadRequest("transaction operation without request");
            operations.Add(op.OperationType switch
            {
                "upsert" => ToWrite(item),
                "delete" => new StateDelete(item.Key, item.Etag?.Value, IsFirstWrite(item.Options)),
                _ => throw DaprApiException.BadRequest($"operation type {op.OperationType} not supported"),
            });
        }

        store.Transact(operations);
        return Task.FromResult(EmptyResponse);
    }

    public async Task<DaprProto.InvokeBindingResponse> InvokeBinding(DaprProto.InvokeBindingRequest request, ServerCallContext context)
    {
        var result = await runtime.Bindings.InvokeAsync(request.Name, request.Operation, request.Data.Memory, request.Metadata, context.CancellationToken).ConfigureAwait(false);
        var response = new DaprProto.InvokeBindingResponse { Data = ByteString.CopyFrom(result.Data) };
        Put(response.Metadata, result.Metadata);
        return response;
    }

    public Task<DaprProto.GetSecretResponse> GetSecret(DaprProto.GetSecretRequest request, ServerCallContext context)
    {
        var store = runtime.Catalog.SecretStore(request.StoreName) ?? throw DaprApiException.SecretStoreNotFound(request.StoreName);
        var secret = store.GetSecret(request.Key)
            ?? throw new DaprApiException(StatusCode.Internal, 500, "ERR_SECRET_GET", $"failed getting secret with key {request.Key} from secret store {request.StoreName}: secret not found");
        var response = new DaprProto.GetSecretResponse();
        Put(response.Data, secret);
        return Task.FromResult(response);
    }

    public Task<DaprProto.GetMetadataResponse> GetMetadata(DaprProto.GetMetadataRequest request, ServerCallContext context)
    {
        var metadata = runtime.Metadata();
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

    private static void Put(Google.Protobuf.Collections.MapField<string, string> target, IEnumerable<KeyValuePair<string, string>> source)
    {
        foreach (var (key, value) in source)
        {
            target[key] = value;
        }
    }

    private static StateWrite ToWrite(DaprProto.StateItem item) =>
        new(item.Key, item.Value.ToByteArray(), item.Etag?.Value, IsFirstWrite(item.Options), item.Metadata);

    private static bool IsFirstWrite(DaprProto.StateOptions? options) =>
        options?.Concurrency == DaprProto.StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite;
}
