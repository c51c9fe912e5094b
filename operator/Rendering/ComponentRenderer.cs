using LogDapr.Operator.DaprResources;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The Dapr components of a pipeline (pub/sub, state store, Postgres binding, and the store's archive binding). Metadata names are the ones the Dapr components define
/// (components-contrib metadata.yaml); component types and versions are fixed per broker.
/// </summary>
internal static class ComponentRenderer
{
    public const string PubSubRedis = "pubsub.redis";
    public const string PubSubKafka = "pubsub.kafka";
    public const string PubSubJetStream = "pubsub.jetstream";
    public const string StateRedis = "state.redis";
    public const string StatePostgresql = "state.postgresql";
    public const string BindingPostgresql = "bindings.postgresql";

    /// <summary>
    /// daprd replaces {appID} in any component metadata value with the loading sidecar's app id (dapr/dapr v1.16.0
    /// pkg/runtime/meta/meta.go convertItemsToProps), so one component gives the aggregator and the store a consumer
    /// group each, named after their app ids: the two read every message of the topic independently.
    /// </summary>
    public const string AppIdPlaceholder = "{appID}";

    /// <summary>
    /// The consumer group metadata value: spec.pubsub.consumerGroup; else {appID} while the store runs (each app its
    /// own group), else the aggregator's app id, as before the store existed (its group keeps its name either way).
    /// </summary>
    public static string ConsumerGroup(LogPipeline pipeline, ResourceNames names)
    {
        var spec = pipeline.Spec;
        var processing = ProcessingSpec.IsOn(spec);
        if (spec.PubSub.ConsumerGroup is { } fixedGroup)
        {
            if (processing)
            {
                // Also a CEL rule; checked here for `render`.
                throw new InvalidPipelineException($"pubsub.consumerGroup ({fixedGroup}) cannot be set while spec.processing is enabled: the processor reads in a consumer group of its own (<name>-processor), as the aggregator and the store do. Remove pubsub.consumerGroup");
            }
            if (spec.Routes is not null)
            {
                // Also a CEL rule; checked here for `render`.
                throw new InvalidPipelineException($"pubsub.consumerGroup ({fixedGroup}) cannot be set while spec.routes is set: the router reads in a consumer group of its own (<name>-router), as the aggregator does. Remove pubsub.consumerGroup");
            }
            if (spec.Storage.Enabled)
            {
                // Also a CEL rule; checked here for objects stored before the rule existed and for `render`.
                throw new InvalidPipelineException($"pubsub.consumerGroup ({fixedGroup}) cannot be set while storage.enabled is true: the store would join the aggregator's consumer group and take its messages. Remove pubsub.consumerGroup (each app then reads in a group named after its app id) or set storage.enabled to false");
            }
            return fixedGroup;
        }
        return spec.Storage.Enabled || processing || spec.Routes is not null ? AppIdPlaceholder : names.AggregatorAppId;
    }

    public static DaprComponent PubSub(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
    {
        var pubsub = pipeline.Spec.PubSub;
        var consumerGroup = ConsumerGroup(pipeline, names);
        var metadata = new DaprMetadata(secrets);
        string type;
        switch (pubsub.Type)
        {
            case BrokerType.Redis:
                var redis = pubsub.Redis ?? throw new InvalidPipelineException("pubsub.redis is required when pubsub.type is redis");
                type = PubSubRedis;
                metadata.Value("redisHost", redis.Host)
                    .OptionalValue("redisUsername", redis.Username)
                    .Secret("redisPassword", redis.PasswordSecretKeyRef, "spec.pubsub.redis.passwordSecretKeyRef")
                    .Value("enableTLS", redis.EnableTls)
                    .Value("consumerID", consumerGroup);
                // Only when asked for: XADD MAXLEN ~ trims entries whether or not they were delivered and acknowledged,
                // and daprd's reclaim loop then acknowledges the vanished ids (pubsub/redis/redis.go
                // removeMessagesThatNoLongerExistFromPending), so a trim is a silent loss.
                if (redis.MaxLenApprox is { } maxLen)
                {
                    metadata.Value("maxLenApprox", maxLen);
                }
                var concurrency = BrokerConcurrency.RedisConcurrency(pipeline.Spec, redis);
                metadata.Value("concurrency", concurrency)
                    .Value("queueDepth", BrokerConcurrency.RedisQueueDepth(concurrency))
                    .Value("processingTimeout", GoDuration.FromSeconds(redis.ProcessingTimeoutSeconds))
                    .Value("redeliverInterval", GoDuration.FromSeconds(redis.RedeliverIntervalSeconds));
                break;

            case BrokerType.Kafka:
                var kafka = pubsub.Kafka ?? throw new InvalidPipelineException("pubsub.kafka is required when pubsub.type is kafka");
                type = PubSubKafka;
                metadata.Value("brokers", string.Join(",", kafka.Brokers))
                    .Value("consumerGroup", consumerGroup)
                    .Value("clientID", names.Pipeline)
                    .Value("authType", KafkaAuthTypeValue(kafka));
                if (kafka.AuthType == KafkaAuthType.Password)
                {
                    metadata.Value("saslUsername", kafka.SaslUsername ?? throw new InvalidPipelineException("pubsub.kafka.saslUsername is required when authType is password"))
                        .Secret("saslPassword", kafka.SaslPasswordSecretKeyRef ?? throw new InvalidPipelineException("pubsub.kafka.saslPasswordSecretKeyRef is required when authType is password"), "spec.pubsub.kafka.saslPasswordSecretKeyRef")
                        .Value("saslMechanism", kafka.SaslMechanism switch
                        {
                            SaslMechanism.Plaintext => "PLAINTEXT",
                            SaslMechanism.Sha256 => "SHA-256",
                            _ => "SHA-512",
                        });
                }
                metadata.Value("disableTls", !kafka.Tls.Enabled)
                    .Secret("caCert", kafka.Tls.CaSecretKeyRef, "spec.pubsub.kafka.tls.caSecretKeyRef");
                if (kafka.AuthType == KafkaAuthType.Mtls)
                {
                    metadata.Secret("clientCert", kafka.Tls.ClientCertSecretKeyRef, "spec.pubsub.kafka.tls.clientCertSecretKeyRef")
                        .Secret("clientKey", kafka.Tls.ClientKeySecretKeyRef, "spec.pubsub.kafka.tls.clientKeySecretKeyRef");
                }
                metadata.Value("initialOffset", kafka.InitialOffset == KafkaInitialOffset.Newest ? "newest" : "oldest");
                if (kafka.MaxMessageBytes is { } maxMessageBytes)
                {
                    metadata.Value("maxMessageBytes", maxMessageBytes);
                }
                break;

            case BrokerType.JetStream:
                var jetstream = pubsub.JetStream ?? throw new InvalidPipelineException("pubsub.jetstream is required when pubsub.type is jetstream");
                BrokerConcurrency.CheckJetStream(pipeline.Spec, jetstream);
                type = PubSubJetStream;
                JetStreamConsumer(metadata, names, jetstream, consumerGroup);
                break;

            default:
                throw new InvalidPipelineException($"unknown pubsub.type {pubsub.Type}");
        }

        var publishers = Publishers(pipeline, names);
        var store = pipeline.Spec.Storage.Enabled ? names.StoreAppId : null;
        var processed = ProcessingSpec.IsOn(pipeline.Spec) ? PipelineTopics.Processed(pipeline.Spec) : null;
        var router = pipeline.Spec.Routes is not null ? names.RouterAppId : null;
        TopicScopes.Add(metadata, names, pubsub.Topic, pipeline.Spec.DeadLetter.Topic, PipelineTopics.Audit(pipeline.Spec), publishers, store, processed, router);
        string[] roles =
        [
            names.IngestAppId, names.AggregatorAppId,
            .. store is null ? Array.Empty<string>() : [store],
            .. processed is null ? Array.Empty<string>() : [names.ProcessorAppId],
            .. router is null ? Array.Empty<string>() : [router],
        ];
        return Component(pipeline, names.PubSubComponent, "pubsub", type, metadata.Items, [.. roles, .. publishers]);
    }

    /// <summary>
    /// The component the dead-letter Subscription reads through. pubsub.jetstream makes one durable consumer per
    /// subscribed topic, named by the component's durableName and filtered to that one topic (components-contrib
    /// v1.16.0 pubsub/jetstream/jetstream.go Subscribe), so two subscriptions on one component fight over one
    /// durable and one of them fails (dapr/components-contrib#2385). JetStream therefore gets a second component with
    /// its own durable for the dead-letter topic, read by the aggregator only; Redis (a consumer group per stream)
    /// and Kafka (one group over several topics) read both topics through the pipeline's component.
    /// </summary>
    public static DaprComponent? DeadLetterPubSub(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
        => JetStreamReader(pipeline, names, secrets, names.DeadLetterPubSubComponent, pipeline.Spec.DeadLetter.Topic, "-dead-letters");

    /// <summary>The component the audit Subscription reads through: on JetStream its own durable, as <see cref="DeadLetterPubSub"/>.</summary>
    public static DaprComponent? AuditPubSub(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
        => JetStreamReader(pipeline, names, secrets, names.AuditPubSubComponent, PipelineTopics.Audit(pipeline.Spec), "-audit");

    private static DaprComponent? JetStreamReader(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets, string component, string topic, string durableSuffix)
    {
        if (pipeline.Spec.PubSub.Type != BrokerType.JetStream || pipeline.Spec.PubSub.JetStream is not { } jetstream)
        {
            return null;
        }
        var metadata = new DaprMetadata(secrets);
        var durable = (pipeline.Spec.PubSub.ConsumerGroup ?? names.AggregatorAppId) + durableSuffix;
        JetStreamConsumer(metadata, names, jetstream, durable);
        // Nobody publishes through this component (daprd publishes dead letters through the logs subscription's
        // component, ingest its audit records through the pipeline's).
        metadata.Value("allowedTopics", topic)
            .Value("protectedTopics", topic)
            .Value("subscriptionScopes", $"{names.AggregatorAppId}={topic}");
        return Component(pipeline, component, "pubsub", PubSubJetStream, metadata.Items, [names.AggregatorAppId]);
    }

    /// <summary>The pub/sub component a Subscription of <paramref name="topic"/> names (see <see cref="DeadLetterPubSub"/>).</summary>
    public static string SubscriptionPubSub(LogPipeline pipeline, ResourceNames names, string topic) =>
        pipeline.Spec.PubSub.Type != BrokerType.JetStream ? names.PubSubComponent
        : topic == pipeline.Spec.DeadLetter.Topic ? names.DeadLetterPubSubComponent
        : topic == PipelineTopics.Audit(pipeline.Spec) ? names.AuditPubSubComponent
        : names.PubSubComponent;

    /// <summary>
    /// components-contrib (common/component/kafka/auth.go updateTLSConfig, v1.16.13 to v1.18.4) turns TLS off for
    /// authType "none" whatever disableTls says. Without client authentication but with TLS, "certificate" is the
    /// authType that keeps TLS on and verifies the brokers against caCert (metadata.go requires caCert for it); TLS
    /// against the system CAs without authentication is not possible there, so that combination is refused.
    /// </summary>
    private static string KafkaAuthTypeValue(KafkaPubSubSpec kafka) => kafka.AuthType switch
    {
        KafkaAuthType.Password => "password",
        KafkaAuthType.Mtls => "mtls",
        _ when !kafka.Tls.Enabled => "none",
        _ when kafka.Tls.CaSecretKeyRef is not null => "certificate",
        _ => throw new InvalidPipelineException(
            "pubsub.kafka.tls.caSecretKeyRef is required when authType is none and tls.enabled is true: Dapr's Kafka component turns TLS off for authType none, "
            + "so the operator renders authType certificate, which verifies the brokers against that CA. Set tls.enabled: false for a broker without TLS on a trusted network."),
    };

    private static void JetStreamConsumer(DaprMetadata metadata, ResourceNames names, JetStreamPubSubSpec jetstream, string durable) =>
        metadata.Value("natsURL", jetstream.NatsUrl)
            .Secret("token", jetstream.TokenSecretKeyRef, "spec.pubsub.jetstream.tokenSecretKeyRef")
            // File paths, not PEM: components-contrib v1.16.13 pubsub/jetstream/jetstream.go passes them to
            // nats.ClientCert(certFile, keyFile), which loads the files; the pods mount them for daprd.
            .MountedFile("tls_client_cert", jetstream.TlsClientCertSecretKeyRef, "spec.pubsub.jetstream.tlsClientCertSecretKeyRef", TlsFiles.JetStreamClientCertPath)
            .MountedFile("tls_client_key", jetstream.TlsClientKeySecretKeyRef, "spec.pubsub.jetstream.tlsClientKeySecretKeyRef", TlsFiles.JetStreamClientKeyPath)
            .Value("name", names.Pipeline)
            .OptionalValue("streamName", jetstream.StreamName)
            .Value("durableName", durable)
            .Value("queueGroupName", durable)
            .Value("deliverPolicy", jetstream.DeliverPolicy switch
            {
                JetStreamDeliverPolicy.New => "new",
                JetStreamDeliverPolicy.Last => "last",
                _ => "all",
            })
            .Value("maxAckPending", jetstream.MaxAckPending)
            .Value("ackWait", GoDuration.FromSeconds(jetstream.AckWaitSeconds))
            // One goroutine per message instead of one message at a time; maxAckPending bounds them. The key daprd
            // validates is pubsub.ConcurrencyKey, "concurrencyMode" (pubsub/jetstream/metadata.go parseMetadata).
            .Value("concurrencyMode", "parallel");

    /// <summary>spec.pubsub.publisherAppIds without duplicates and without the pipeline's own app ids.</summary>
    public static IReadOnlyList<string> Publishers(LogPipeline pipeline, ResourceNames names) =>
        (pipeline.Spec.PubSub.PublisherAppIds ?? [])
            .Where(id => id != names.IngestAppId && id != names.AggregatorAppId && id != names.StoreAppId && id != names.ProcessorAppId && id != names.RouterAppId)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    public static DaprComponent StateStore(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
    {
        var state = pipeline.Spec.StateStore;
        var metadata = new DaprMetadata(secrets);
        string type;
        if (state.Type == StateStoreType.Redis)
        {
            type = StateRedis;
            if (state.Redis is { } redis)
            {
                metadata.Value("redisHost", redis.Host)
                    .OptionalValue("redisUsername", redis.Username)
                    .Secret("redisPassword", redis.PasswordSecretKeyRef, "spec.stateStore.redis.passwordSecretKeyRef")
                    .Value("enableTLS", redis.EnableTls);
            }
            else if (pipeline.Spec.PubSub.Type == BrokerType.Redis && pipeline.Spec.PubSub.Redis is { } shared)
            {
                // Same Redis as the pub/sub: one fewer thing to run for small installations.
                metadata.Value("redisHost", shared.Host)
                    .OptionalValue("redisUsername", shared.Username)
                    .Secret("redisPassword", shared.PasswordSecretKeyRef, "spec.pubsub.redis.passwordSecretKeyRef")
                    .Value("enableTLS", shared.EnableTls);
            }
            else
            {
                throw new InvalidPipelineException("stateStore.redis is required when stateStore.type is redis and pubsub.type is not redis");
            }
            metadata.Value("ttlInSeconds", state.TtlSeconds);
        }
        else
        {
            type = StatePostgresql;
            var postgresql = state.Postgresql ?? new PostgresStateSpec();
            var connection = postgresql.ConnectionStringSecretKeyRef ?? pipeline.Spec.Postgres.ConnectionStringSecretKeyRef;
            var fieldPath = postgresql.ConnectionStringSecretKeyRef is null
                ? "spec.postgres.connectionStringSecretKeyRef"
                : "spec.stateStore.postgresql.connectionStringSecretKeyRef";
            metadata.Secret("connectionString", connection, fieldPath)
                .Value("tableName", postgresql.TableName);
        }

        // The processor caches enrichment metadata in the state store.
        string[] scopes = ProcessingSpec.IsOn(pipeline.Spec) ? [names.IngestAppId, names.ProcessorAppId] : [names.IngestAppId];
        return Component(pipeline, names.StateStoreComponent, "state", type, metadata.Items, scopes);
    }

    public static DaprComponent PostgresBinding(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
    {
        var metadata = new DaprMetadata(secrets)
            .Secret("connectionString", pipeline.Spec.Postgres.ConnectionStringSecretKeyRef, "spec.postgres.connectionStringSecretKeyRef");
        // The processor reads enrichment metadata through it.
        string[] scopes =
        [
            names.AggregatorAppId,
            .. pipeline.Spec.Storage.Enabled ? [names.StoreAppId] : Array.Empty<string>(),
            .. ProcessingSpec.IsOn(pipeline.Spec) ? [names.ProcessorAppId] : Array.Empty<string>(),
            // The router writes the dead letters of routes that failed past their attempts.
            .. pipeline.Spec.Routes is not null ? [names.RouterAppId] : Array.Empty<string>(),
        ];
        return Component(pipeline, names.PostgresBindingComponent, "binding", BindingPostgresql, metadata.Items, scopes);
    }

    /// <summary>
    /// spec.storage.archive as the output binding the store archives through, loaded by the store's sidecar only.
    /// The type must be one of <see cref="ArchiveSpec.Types"/> (the CRD's enum; checked again here for objects stored
    /// before it and for `render`), with the metadata that type cannot work without; anything else is refused before
    /// anything is applied.
    /// </summary>
    public static DaprComponent? Archive(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
    {
        if (pipeline.Spec.Storage is not { Enabled: true, Archive: { } archive })
        {
            return null;
        }
        if (!ArchiveSpec.Types.TryGetValue(archive.Type ?? "", out var required))
        {
            throw new InvalidPipelineException($"storage.archive.type \"{archive.Type}\" is not an object-store binding LogDapr archives to; use one of {string.Join(", ", ArchiveSpec.Types.Keys)}")
            {
                Reason = UnsupportedArchiveTypeReason,
            };
        }
        var items = archive.Metadata ?? [];
        var missing = required.Where(name => items.All(i => i.Name != name)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidPipelineException($"storage.archive.metadata needs {string.Join(" and ", missing)} for {archive.Type} (required by the Dapr component)");
        }
        var metadata = new DaprMetadata(secrets).Declared(items, "storage.archive.metadata");
        return Component(pipeline, names.ArchiveBindingComponent, "binding", archive.Type!, metadata.Items, [names.StoreAppId]);
    }

    /// <summary>
    /// spec.routes.bindings as output binding components, loaded by the router's sidecar only. Any bindings.* type is
    /// rendered as written (which metadata a type needs is the Dapr component's to say, in its own error at load);
    /// secrets only by reference, resolved by daprd in the pipeline's namespace.
    /// </summary>
    public static IEnumerable<DaprComponent> RouteBindings(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
    {
        if (pipeline.Spec.Routes is not { } routes)
        {
            yield break;
        }
        for (var i = 0; i < routes.Bindings.Count; i++)
        {
            var binding = routes.Bindings[i];
            // RouteRules.Problems has refused an entry with both or neither of value and secretKeyRef already.
            var metadata = new DaprMetadata(secrets).Declared(binding.Metadata ?? [], $"routes.bindings[{i}].metadata");
            var component = Component(pipeline, names.RouteBindingComponent(binding.Name), "binding", binding.Type, metadata.Items, [names.RouterAppId]);
            component.Spec.Version = binding.Version;
            yield return component;
        }
    }

    /// <summary>The condition reason for a storage.archive.type outside the allow-list.</summary>
    public const string UnsupportedArchiveTypeReason = "UnsupportedArchiveType";

    private static DaprComponent Component(LogPipeline pipeline, string name, string component, string type, List<DaprMetadataItem> metadata, string[] scopes) =>
        new()
        {
            Metadata = ObjectMetadata.For(pipeline, name, component),
            Spec = new DaprComponentSpec { Type = type, Metadata = metadata },
            Scopes = scopes,
        };
}
