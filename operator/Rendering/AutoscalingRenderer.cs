using System.Globalization;
using k8s.Models;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Keda;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// The autoscaler of each workload whose spec.*.autoscaling is enabled: a HorizontalPodAutoscaler (autoscaling/v2),
/// or for the aggregator with a backlog target a KEDA ScaledObject, which creates and owns its own HPA (so never
/// both). The Deployment is then rendered without spec.replicas (see <see cref="WorkloadRenderer"/>).
/// </summary>
internal static class AutoscalingRenderer
{
    /// <summary>
    /// The environment variable of the aggregator container that carries the Kafka SASL user name to KEDA: the kafka
    /// scaler reads username only from auth parameters (kedacore/keda pkg/scalers/kafka_scaler.go kafkaMetadata,
    /// order=authParams), and a TriggerAuthentication can take a plain value only from the target's container env.
    /// </summary>
    public const string KafkaUsernameEnv = "KEDA_KAFKA_SASL_USERNAME";

    public static IEnumerable<RenderedObject> Render(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
    {
        if (pipeline.Spec.Ingest.Autoscaling is { Enabled: true } ingest)
        {
            yield return new(KnownResources.HorizontalPodAutoscalers, HorizontalPodAutoscaler(pipeline, names.IngestAutoscaler, names.IngestDeployment, WorkloadRenderer.IngestComponent, ingest));
        }
        if (pipeline.Spec.Aggregator.Autoscaling is { Enabled: true } aggregator)
        {
            var target = new Target("aggregator", names.AggregatorAutoscaler, names.AggregatorDeployment, WorkloadRenderer.AggregatorComponent, names.AggregatorTriggerAuthentication, pipeline.Spec.PubSub.ConsumerGroup ?? names.AggregatorAppId, PipelineTopics.Consumed(pipeline.Spec));
            foreach (var obj in Consumer(pipeline, target, aggregator, secrets))
            {
                yield return obj;
            }
        }
        if (pipeline.Spec.Storage is { Enabled: true, Autoscaling: { Enabled: true } store })
        {
            // The store's consumer group is its app id (ComponentRenderer.ConsumerGroup renders {appID}).
            var target = new Target("storage", names.StoreAutoscaler, names.StoreDeployment, WorkloadRenderer.StoreComponent, names.StoreTriggerAuthentication, names.StoreAppId, PipelineTopics.Consumed(pipeline.Spec));
            foreach (var obj in Consumer(pipeline, target, store, secrets))
            {
                yield return obj;
            }
        }
        if (pipeline.Spec.Processing is { Enabled: true, Autoscaling: { Enabled: true } processor })
        {
            // The processor's consumer group is its app id too ({appID}), on the raw topic.
            var target = new Target("processing", names.ProcessorAutoscaler, names.ProcessorDeployment, WorkloadRenderer.ProcessorComponent, names.ProcessorTriggerAuthentication, names.ProcessorAppId, pipeline.Spec.PubSub.Topic);
            foreach (var obj in Consumer(pipeline, target, processor, secrets))
            {
                yield return obj;
            }
        }
    }

    /// <summary>The autoscaled Deployment of a topic consumer, and the consumer group its backlog is read from.</summary>
    /// <param name="Topic">The topic the group reads: the processed topic for the aggregator and the store while processing is on.</param>
    private sealed record Target(string Field, string Autoscaler, string Deployment, string Container, string TriggerAuthentication, string ConsumerGroup, string Topic);

    /// <summary>A HorizontalPodAutoscaler, or with a backlog target a KEDA ScaledObject (and its TriggerAuthentication).</summary>
    private static IEnumerable<RenderedObject> Consumer(LogPipeline pipeline, Target target, AggregatorAutoscalingSpec spec, List<SecretReference> secrets)
    {
        if (spec.Backlog is null)
        {
            yield return new(KnownResources.HorizontalPodAutoscalers, HorizontalPodAutoscaler(pipeline, target.Autoscaler, target.Deployment, target.Container, spec));
            yield break;
        }
        var (trigger, authentication) = BacklogTrigger(pipeline, target, spec.Backlog, secrets);
        if (authentication is not null)
        {
            yield return new(KnownResources.KedaTriggerAuthentications, new KedaTriggerAuthentication
            {
                Metadata = ObjectMetadata.For(pipeline, target.TriggerAuthentication, target.Container),
                Spec = authentication,
            });
            trigger.AuthenticationRef = new KedaAuthenticationRef { Name = target.TriggerAuthentication };
        }
        yield return new(KnownResources.KedaScaledObjects, ScaledObject(pipeline, target, spec, trigger));
    }

    /// <summary>Environment the aggregator container needs for its backlog scaler (the Kafka SASL user name), or none.</summary>
    public static IEnumerable<V1EnvVar> AggregatorEnv(LogPipeline pipeline) => BacklogEnv(pipeline, pipeline.Spec.Aggregator.Autoscaling);

    /// <summary>The same for the store container.</summary>
    public static IEnumerable<V1EnvVar> StoreEnv(LogPipeline pipeline) => BacklogEnv(pipeline, pipeline.Spec.Storage.Autoscaling);

    /// <summary>The same for the processor container.</summary>
    public static IEnumerable<V1EnvVar> ProcessorEnv(LogPipeline pipeline) => BacklogEnv(pipeline, pipeline.Spec.Processing?.Autoscaling);

    private static IEnumerable<V1EnvVar> BacklogEnv(LogPipeline pipeline, AggregatorAutoscalingSpec? autoscaling) =>
        autoscaling is { Enabled: true, Backlog: not null }
        && pipeline.Spec.PubSub is { Type: BrokerType.Kafka, Kafka: { AuthType: KafkaAuthType.Password, SaslUsername: { } username } }
            ? [new V1EnvVar { Name = KafkaUsernameEnv, Value = username }]
            : [];

    private static V2HorizontalPodAutoscaler HorizontalPodAutoscaler(LogPipeline pipeline, string name, string deployment, string container, AutoscalingSpec spec) => new()
    {
        ApiVersion = "autoscaling/v2",
        Kind = "HorizontalPodAutoscaler",
        Metadata = ObjectMetadata.For(pipeline, name, container),
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = deployment },
            MinReplicas = spec.MinReplicas,
            MaxReplicas = spec.MaxReplicas,
            Metrics = ResourceMetrics(spec, container),
            Behavior = spec.Behavior,
        },
    };

    /// <summary>
    /// ContainerResource, not Resource: a Resource utilisation is averaged over every container of the pod and is
    /// undefined when one of them has no request, which is the Dapr sidecar's case unless sidecarResources are set
    /// (kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale: "Support for resource metrics" and
    /// "Container resource metrics"; autoscaling/v2 ContainerResource is beta and on by default from Kubernetes 1.27,
    /// GA in 1.30).
    /// </summary>
    private static List<V2MetricSpec> ResourceMetrics(AutoscalingSpec spec, string container)
    {
        var metrics = new List<V2MetricSpec>();
        if (spec.TargetCpuUtilizationPercentage is { } cpu)
        {
            metrics.Add(ContainerUtilization("cpu", container, cpu));
        }
        if (spec.TargetMemoryUtilizationPercentage is { } memory)
        {
            metrics.Add(ContainerUtilization("memory", container, memory));
        }
        return metrics;
    }

    private static V2MetricSpec ContainerUtilization(string resource, string container, int percent) => new()
    {
        Type = "ContainerResource",
        ContainerResource = new V2ContainerResourceMetricSource
        {
            Name = resource,
            Container = container,
            Target = new V2MetricTarget { Type = "Utilization", AverageUtilization = percent },
        },
    };

    private static KedaScaledObject ScaledObject(LogPipeline pipeline, Target target, AggregatorAutoscalingSpec spec, KedaTrigger backlog)
    {
        var triggers = new List<KedaTrigger> { backlog };
        // KEDA's cpu and memory scalers with containerName become ContainerResource metrics of the HPA KEDA creates
        // (kedacore/keda pkg/scalers/cpu_memory_scaler.go), for the same reason as above.
        if (spec.TargetCpuUtilizationPercentage is { } cpu)
        {
            triggers.Add(ResourceTrigger("cpu", cpu, target.Container));
        }
        if (spec.TargetMemoryUtilizationPercentage is { } memory)
        {
            triggers.Add(ResourceTrigger("memory", memory, target.Container));
        }
        return new KedaScaledObject
        {
            Metadata = ObjectMetadata.For(pipeline, target.Autoscaler, target.Container),
            Spec = new KedaScaledObjectSpec
            {
                ScaleTargetRef = new KedaScaleTarget { Name = target.Deployment },
                PollingInterval = spec.Backlog!.PollingIntervalSeconds,
                MinReplicaCount = spec.MinReplicas,
                MaxReplicaCount = spec.MaxReplicas,
                Advanced = spec.Behavior is { } behavior
                    ? new KedaAdvanced { HorizontalPodAutoscalerConfig = new KedaHorizontalPodAutoscalerConfig { Behavior = behavior } }
                    : null,
                Triggers = triggers,
            },
        };
    }

    private static KedaTrigger ResourceTrigger(string type, int percent, string container) => new()
    {
        Type = type,
        MetricType = "Utilization",
        Metadata = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["containerName"] = container,
            ["value"] = percent.ToString(CultureInfo.InvariantCulture),
        },
    };

    /// <summary>
    /// The broker's scaler, on the consumer group daprd consumes the logs topic with. daprd's names: pubsub.redis
    /// reads the stream named after the topic with the consumer group consumerID (components-contrib
    /// pubsub/redis/redis.go Subscribe, CreateConsumerGroup); pubsub.kafka joins consumerGroup on the topic; pubsub.jetstream
    /// creates the durable consumer durableName on the stream (pubsub/jetstream/jetstream.go Subscribe). The
    /// operator sets all three to spec.pubsub.consumerGroup, or to {appID}, which daprd replaces with each sidecar's
    /// app id (ComponentRenderer.PubSub), so the aggregator's group is its app id and the store's is the store's.
    /// Scaler metadata: kedacore/keda pkg/scalers/{kafka,redis_streams,redis,nats_jetstream}_scaler.go.
    /// </summary>
    private static (KedaTrigger Trigger, KedaTriggerAuthenticationSpec? Authentication) BacklogTrigger(LogPipeline pipeline, Target scaled, BacklogScalingSpec backlog, List<SecretReference> secrets)
    {
        var pubsub = pipeline.Spec.PubSub;
        var consumerGroup = scaled.ConsumerGroup;
        var target = backlog.TargetPerReplica.ToString(CultureInfo.InvariantCulture);
        var metadata = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fromSecrets = new List<KedaSecretTargetRef>();
        var fromEnv = new List<KedaEnvTargetRef>();
        string type;
        switch (pubsub.Type)
        {
            case BrokerType.Redis:
                var redis = pubsub.Redis ?? throw new InvalidPipelineException("pubsub.redis is required when pubsub.type is redis");
                type = "redis-streams";
                metadata["address"] = redis.Host;
                metadata["stream"] = scaled.Topic;
                metadata["consumerGroup"] = consumerGroup;
                // lagCount (XINFO GROUPS lag, Redis 7+): entries not yet delivered to the group. pendingEntriesCount
                // would count only what daprd has read and not acknowledged, which its read-ahead caps.
                metadata["lagCount"] = target;
                if (redis.EnableTls)
                {
                    metadata["enableTLS"] = "true";
                }
                if (redis.Username is { } username)
                {
                    metadata["username"] = username;
                }
                AddSecret(fromSecrets, secrets, "password", redis.PasswordSecretKeyRef, "spec.pubsub.redis.passwordSecretKeyRef");
                break;

            case BrokerType.Kafka:
                var kafka = pubsub.Kafka ?? throw new InvalidPipelineException("pubsub.kafka is required when pubsub.type is kafka");
                type = "kafka";
                metadata["bootstrapServers"] = string.Join(",", kafka.Brokers);
                metadata["consumerGroup"] = consumerGroup;
                metadata["topic"] = scaled.Topic;
                metadata["lagThreshold"] = target;
                metadata["offsetResetPolicy"] = kafka.InitialOffset == KafkaInitialOffset.Newest ? "latest" : "earliest";
                metadata["tls"] = kafka.Tls.Enabled ? "enable" : "disable";
                AddSecret(fromSecrets, secrets, "ca", kafka.Tls.CaSecretKeyRef, "spec.pubsub.kafka.tls.caSecretKeyRef");
                if (kafka.AuthType == KafkaAuthType.Password)
                {
                    metadata["sasl"] = kafka.SaslMechanism switch
                    {
                        SaslMechanism.Plaintext => "plaintext",
                        SaslMechanism.Sha256 => "scram_sha256",
                        _ => "scram_sha512",
                    };
                    fromEnv.Add(new KedaEnvTargetRef { Parameter = "username", Name = KafkaUsernameEnv, ContainerName = scaled.Container });
                    AddSecret(fromSecrets, secrets, "password", kafka.SaslPasswordSecretKeyRef, "spec.pubsub.kafka.saslPasswordSecretKeyRef");
                }
                if (kafka.AuthType == KafkaAuthType.Mtls)
                {
                    AddSecret(fromSecrets, secrets, "cert", kafka.Tls.ClientCertSecretKeyRef, "spec.pubsub.kafka.tls.clientCertSecretKeyRef");
                    AddSecret(fromSecrets, secrets, "key", kafka.Tls.ClientKeySecretKeyRef, "spec.pubsub.kafka.tls.clientKeySecretKeyRef");
                }
                break;

            case BrokerType.JetStream:
                var jetstream = pubsub.JetStream ?? throw new InvalidPipelineException("pubsub.jetstream is required when pubsub.type is jetstream");
                var monitoring = backlog.JetStream ?? throw new InvalidPipelineException($"{scaled.Field}.autoscaling.backlog.jetstream.monitoringEndpoint is required when pubsub.type is jetstream");
                var stream = jetstream.StreamName ?? throw new InvalidPipelineException($"pubsub.jetstream.streamName is required for {scaled.Field}.autoscaling.backlog: KEDA's nats-jetstream scaler finds the consumer by stream");
                type = "nats-jetstream";
                metadata["natsServerMonitoringEndpoint"] = monitoring.MonitoringEndpoint;
                metadata["account"] = monitoring.Account;
                metadata["stream"] = stream;
                metadata["consumer"] = consumerGroup;
                metadata["lagThreshold"] = target;
                if (monitoring.UseHttps)
                {
                    metadata["useHttps"] = "true";
                }
                break;

            default:
                throw new InvalidPipelineException($"unknown pubsub.type {pubsub.Type}");
        }
        var trigger = new KedaTrigger { Type = type, Name = "backlog", Metadata = metadata };
        var authentication = fromSecrets.Count == 0 && fromEnv.Count == 0
            ? null
            : new KedaTriggerAuthenticationSpec { SecretTargetRef = fromSecrets.Count == 0 ? null : fromSecrets, Env = fromEnv.Count == 0 ? null : fromEnv };
        return (trigger, authentication);
    }

    private static void AddSecret(List<KedaSecretTargetRef> refs, List<SecretReference> secrets, string parameter, SecretKeySelector? selector, string fieldPath)
    {
        if (selector is null)
        {
            return;
        }
        refs.Add(new KedaSecretTargetRef { Parameter = parameter, Name = selector.Name, Key = selector.Key });
        secrets.Add(new SecretReference(selector.Name, selector.Key, fieldPath));
    }
}
