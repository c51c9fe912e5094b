using System.Globalization;
using LogDapr.Configuration.Pipeline;
using LogDapr.Configuration;
using LogDapr.Operator.Entities;
using k8s.Models;

namespace LogDapr.Operator.Rendering;

/// <summary>Deployments, Services and PodDisruptionBudgets of ingest, the aggregator and the store.</summary>
internal static class WorkloadRenderer
{
    public const string IngestComponent = "ingest";
    public const string AggregatorComponent = "aggregator";
    public const string StoreComponent = "store";
    public const string ProcessorComponent = "processor";
    public const string RouterComponent = "router";
    public const string HttpPortName = "http";

    /// <summary>Ingest's OTLP/gRPC port (h2c, Ingest:OtlpGrpcPort at its default).</summary>
    public const string OtlpGrpcPortName = "otlp-grpc";
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// UID of the "app" user in the official .NET container images. runAsNonRoot alone is not enough: the kubelet
    /// refuses an image whose USER is a name, since it cannot prove the name is not root.
    /// </summary>
    public const long AppUserId = 1654;

    private const string TmpVolume = "tmp";
    private const string ApiKeysVolume = "api-keys";
    private const string ProcessingVolume = "processing";
    private const string RoutesVolume = "routes";

    public static V1Deployment IngestDeployment(LogPipeline pipeline, ResourceNames names, RenderOptions options, List<SecretReference> secrets)
    {
        var ingest = pipeline.Spec.Ingest;
        var (volumes, mounts) = Volumes(pipeline);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (ProcessingRules.IngestMappingJson(pipeline.Spec) is { } mappingJson)
        {
            // The processor's rules ConfigMap, for its mapping section; only a mapping change rolls ingest.
            volumes.Add(new V1Volume { Name = ProcessingVolume, ConfigMap = new V1ConfigMapVolumeSource { Name = names.ProcessingConfigMap } });
            mounts.Add(new V1VolumeMount { Name = ProcessingVolume, MountPath = ProcessingRules.MountDirectory, ReadOnlyProperty = true });
            annotations[ProcessingRules.MappingChecksumAnnotation] = MountedDocument.Checksum(mappingJson);
        }

        if (ingest.RateLimit is { RedisConnectionStringSecretKeyRef: not null, Tls: { } redisTls })
        {
            // A directory, never subPath: ingest reads the files at each new connection, so a rotation reaches it.
            volumes.Add(TlsFiles.RedisVolumeFor(redisTls));
            mounts.Add(TlsFiles.RedisMount());
        }

        var deployment = Deployment(pipeline, new Workload
        {
            Name = names.IngestDeployment,
            Component = IngestComponent,
            AppId = names.IngestAppId,
            Port = PipelineDefaults.IngestPort,
            Replicas = ingest.IsAutoscaled() ? null : ingest.Replicas,
            Image = ingest.Image ?? options.IngestImage,
            PullPolicy = ingest.ImagePullPolicy,
            Resources = ingest.Resources,
            Pod = ingest.Pod,
            SidecarResources = ingest.SidecarResources,
            // No app health check: nothing is delivered to ingest, so there is no subscription for daprd to pause.
            DaprAnnotations = annotations,
            Env = ServiceEnvironment.Ingest(pipeline, names, secrets),
            Volumes = volumes,
            Mounts = mounts,
            ServingTls = ingest.Tls,
            // A PostgreSQL state store on spec.postgres's connection string: ingest's daprd opens it with the same files.
            PostgresTls = pipeline.Spec.StateStore.Type == StateStoreType.Postgresql && pipeline.Spec.StateStore.Postgresql?.ConnectionStringSecretKeyRef is null ? pipeline.Spec.Postgres.Tls : null,
        });
        deployment.Spec.Template.Spec.Containers.Single(c => c.Name == IngestComponent).Ports.Add(
            new V1ContainerPort { Name = OtlpGrpcPortName, ContainerPort = PipelineDefaults.IngestOtlpGrpcPort, Protocol = "TCP" });
        return deployment;
    }

    public static V1Deployment AggregatorDeployment(LogPipeline pipeline, ResourceNames names, RenderOptions options, List<SecretReference> secrets)
    {
        var aggregator = pipeline.Spec.Aggregator;
        var (volumes, mounts) = Volumes(pipeline);
        return Deployment(pipeline, new Workload
        {
            Name = names.AggregatorDeployment,
            Component = AggregatorComponent,
            AppId = names.AggregatorAppId,
            Port = PipelineDefaults.AggregatorPort,
            Replicas = aggregator.IsAutoscaled() ? null : aggregator.Replicas,
            Image = aggregator.Image ?? options.AggregatorImage,
            PullPolicy = aggregator.ImagePullPolicy,
            Resources = aggregator.Resources,
            Pod = aggregator.Pod,
            SidecarResources = aggregator.SidecarResources,
            DaprAnnotations = AggregatorDaprAnnotations(pipeline, names),
            Env = [.. ServiceEnvironment.Aggregator(pipeline, names, secrets, PipelineTopics.Consumed(pipeline.Spec)), .. StoreEnvironment.Retention(pipeline.Spec.Storage.Retention), .. AutoscalingRenderer.AggregatorEnv(pipeline)],
            Volumes = volumes,
            Mounts = mounts,
            ServingTls = pipeline.Spec.Aggregator.Tls,
            PostgresTls = pipeline.Spec.Postgres.Tls,
            AppReadsPostgres = true,
        });
    }

    /// <summary>
    /// The store: the aggregator's image and settings in the Store role, under its own app id (so its own consumer
    /// group), with the same app token and app health checks as the aggregator, since it is the same HTTP app.
    /// </summary>
    public static V1Deployment StoreDeployment(LogPipeline pipeline, ResourceNames names, RenderOptions options, List<SecretReference> secrets)
    {
        var aggregator = pipeline.Spec.Aggregator;
        var storage = pipeline.Spec.Storage;
        var (volumes, mounts) = Volumes(pipeline);
        return Deployment(pipeline, new Workload
        {
            Name = names.StoreDeployment,
            Component = StoreComponent,
            AppId = names.StoreAppId,
            Port = PipelineDefaults.AggregatorPort,
            Replicas = storage.IsAutoscaled() ? null : storage.Replicas,
            Image = aggregator.Image ?? options.AggregatorImage,
            PullPolicy = aggregator.ImagePullPolicy,
            Resources = storage.Resources,
            Pod = storage.Pod,
            SidecarResources = storage.SidecarResources,
            DaprAnnotations = AggregatorDaprAnnotations(pipeline, names),
            Env =
            [
                .. ServiceEnvironment.Aggregator(pipeline, names, secrets, PipelineTopics.Consumed(pipeline.Spec)),
                .. StoreEnvironment.Retention(storage.Retention),
                .. StoreEnvironment.StoreOnly(pipeline, names),
                .. AutoscalingRenderer.StoreEnv(pipeline),
            ],
            Volumes = volumes,
            Mounts = mounts,
            ServingTls = pipeline.Spec.Aggregator.Tls,
            PostgresTls = pipeline.Spec.Postgres.Tls,
            AppReadsPostgres = true,
        });
    }

    /// <summary>
    /// The processor: the aggregator's image in the Processor role under its own app id (so its own consumer group on
    /// the raw topic), with the rules ConfigMap mounted read-only and the rules' checksum on the pod template, so a
    /// rules change rolls it: new pods read the new rules, old ones finish their in-flight deliveries with the old
    /// ones on SIGTERM. Same app token and app health checks as the aggregator: the same HTTP app.
    /// </summary>
    public static V1Deployment ProcessorDeployment(LogPipeline pipeline, ResourceNames names, RenderOptions options, List<SecretReference> secrets, string rulesJson)
    {
        var aggregator = pipeline.Spec.Aggregator;
        var processing = pipeline.Spec.Processing!;
        var (volumes, mounts) = Volumes(pipeline);
        volumes.Add(new V1Volume { Name = ProcessingVolume, ConfigMap = new V1ConfigMapVolumeSource { Name = names.ProcessingConfigMap } });
        mounts.Add(new V1VolumeMount { Name = ProcessingVolume, MountPath = ProcessingRules.MountDirectory, ReadOnlyProperty = true });
        var annotations = AggregatorDaprAnnotations(pipeline, names);
        annotations[ProcessingRules.ChecksumAnnotation] = MountedDocument.Checksum(rulesJson);
        return Deployment(pipeline, new Workload
        {
            Name = names.ProcessorDeployment,
            Component = ProcessorComponent,
            AppId = names.ProcessorAppId,
            Port = PipelineDefaults.AggregatorPort,
            Replicas = processing.IsAutoscaled() ? null : processing.Replicas,
            Image = aggregator.Image ?? options.AggregatorImage,
            PullPolicy = aggregator.ImagePullPolicy,
            Resources = processing.Resources,
            Pod = processing.Pod,
            SidecarResources = processing.SidecarResources,
            DaprAnnotations = annotations,
            Env =
            [
                // The processor reads the raw topic; Postgres and the state store serve enrichment lookups.
                .. ServiceEnvironment.Aggregator(pipeline, names, secrets, pipeline.Spec.PubSub.Topic),
                .. ProcessorEnvironment.ProcessorOnly(pipeline, names, secrets),
                .. AutoscalingRenderer.ProcessorEnv(pipeline),
            ],
            Volumes = volumes,
            Mounts = mounts,
            ServingTls = pipeline.Spec.Aggregator.Tls,
            PostgresTls = pipeline.Spec.Postgres.Tls,
            AppReadsPostgres = true,
        });
    }

    /// <summary>
    /// The router: the aggregator's image in the Router role under its own app id (so its own consumer group on the
    /// topic the aggregator reads), with the routes ConfigMap mounted read-only and the routes' checksum on the pod
    /// template, so a routes change rolls the router and nothing else. Same app token and app health checks as the
    /// aggregator: the same HTTP app.
    /// </summary>
    public static V1Deployment RouterDeployment(LogPipeline pipeline, ResourceNames names, RenderOptions options, List<SecretReference> secrets, string routesJson)
    {
        var aggregator = pipeline.Spec.Aggregator;
        var routes = pipeline.Spec.Routes!;
        var (volumes, mounts) = Volumes(pipeline);
        volumes.Add(new V1Volume { Name = RoutesVolume, ConfigMap = new V1ConfigMapVolumeSource { Name = names.RoutesConfigMap } });
        mounts.Add(new V1VolumeMount { Name = RoutesVolume, MountPath = RouteRules.MountDirectory, ReadOnlyProperty = true });
        var annotations = AggregatorDaprAnnotations(pipeline, names);
        annotations[RouteRules.ChecksumAnnotation] = MountedDocument.Checksum(routesJson);
        return Deployment(pipeline, new Workload
        {
            Name = names.RouterDeployment,
            Component = RouterComponent,
            AppId = names.RouterAppId,
            Port = PipelineDefaults.AggregatorPort,
            Replicas = routes.Replicas,
            Image = aggregator.Image ?? options.AggregatorImage,
            PullPolicy = aggregator.ImagePullPolicy,
            Resources = routes.Resources,
            Pod = routes.Pod,
            SidecarResources = routes.SidecarResources,
            DaprAnnotations = annotations,
            Env =
            [
                // Postgres through the binding: the dead letters of routes that failed past their attempts.
                .. ServiceEnvironment.Aggregator(pipeline, names, secrets, PipelineTopics.Consumed(pipeline.Spec)),
                .. RouterEnvironment.RouterOnly(),
            ],
            Volumes = volumes,
            Mounts = mounts,
            ServingTls = pipeline.Spec.Aggregator.Tls,
            PostgresTls = pipeline.Spec.Postgres.Tls,
            AppReadsPostgres = true,
        });
    }

    /// <summary>The routes document the router reads (<see cref="RouteRules"/>), one key.</summary>
    public static V1ConfigMap RoutesConfigMap(LogPipeline pipeline, ResourceNames names, string routesJson) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = ObjectMetadata.For(pipeline, names.RoutesConfigMap, RouterComponent),
        Data = new Dictionary<string, string>(StringComparer.Ordinal) { [RouteRules.FileName] = routesJson },
    };

    /// <summary>The rules document the processor reads (<see cref="ProcessingRules"/>), one key.</summary>
    public static V1ConfigMap ProcessingConfigMap(LogPipeline pipeline, ResourceNames names, string rulesJson) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = ObjectMetadata.For(pipeline, names.ProcessingConfigMap, ProcessorComponent),
        Data = new Dictionary<string, string>(StringComparer.Ordinal) { [ProcessingRules.FileName] = rulesJson },
    };

    /// <summary>
    /// The app token, and app health checks so daprd pauses deliveries instead of spending delivery attempts on an
    /// aggregator that cannot count. Names and units: dapr/dapr v1.16.0 pkg/injector/patcher/sidecar.go (interval in
    /// seconds, timeout in milliseconds; daprd refuses a timeout above the interval, pkg/runtime/config.go).
    /// </summary>
    private static Dictionary<string, string> AggregatorDaprAnnotations(LogPipeline pipeline, ResourceNames names)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [AppToken.Annotation] = AppToken.SecretName(pipeline, names),
        };
        if (pipeline.Spec.Aggregator.Tls is not null)
        {
            // daprd then calls the app (deliveries, health checks) over TLS without verifying its certificate
            // (dapr/dapr v1.16.0 pkg/runtime/channels/channels.go): the hop stays inside the pod.
            annotations["dapr.io/app-protocol"] = "https";
        }
        var health = pipeline.Spec.Aggregator.AppHealthCheck;
        if (health.Enabled)
        {
            annotations["dapr.io/enable-app-health-check"] = "true";
            annotations["dapr.io/app-health-check-path"] = health.Path;
            annotations["dapr.io/app-health-probe-interval"] = health.ProbeIntervalSeconds.ToString(CultureInfo.InvariantCulture);
            annotations["dapr.io/app-health-probe-timeout"] = health.ProbeTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture);
            annotations["dapr.io/app-health-threshold"] = health.Threshold.ToString(CultureInfo.InvariantCulture);
        }
        return annotations;
    }

    /// <summary>A writable /tmp, and the API-key Secret for both services (ingest writes, the aggregator answers queries).</summary>
    private static (List<V1Volume> Volumes, List<V1VolumeMount> Mounts) Volumes(LogPipeline pipeline)
    {
        var auth = pipeline.Spec.Ingest.Auth;
        var volumes = new List<V1Volume> { new() { Name = TmpVolume, EmptyDir = new V1EmptyDirVolumeSource() } };
        var mounts = new List<V1VolumeMount> { new() { Name = TmpVolume, MountPath = "/tmp" } };
        if (auth.Enabled)
        {
            volumes.Add(new V1Volume { Name = ApiKeysVolume, Secret = new V1SecretVolumeSource { SecretName = auth.ApiKeysSecretName } });
            mounts.Add(new V1VolumeMount { Name = ApiKeysVolume, MountPath = EdgeConfigKeys.DefaultAuthKeysPath, ReadOnlyProperty = true });
        }

        return (volumes, mounts);
    }

    /// <summary>The HTTP API on spec.ingest.service.port, and OTLP/gRPC on 4317 as OTLP exporters expect it.</summary>
    public static V1Service IngestService(LogPipeline pipeline, ResourceNames names)
    {
        var service = Service(pipeline, names.IngestService, IngestComponent, pipeline.Spec.Ingest.Service.Type.ToString(), pipeline.Spec.Ingest.Service.Port, pipeline.Spec.Ingest.Tls is not null);
        service.Spec.Ports.Add(new V1ServicePort
        {
            Name = OtlpGrpcPortName,
            Port = PipelineDefaults.IngestOtlpGrpcPort,
            TargetPort = (IntOrString)OtlpGrpcPortName,
            Protocol = "TCP",
            AppProtocol = "grpc",
        });
        return service;
    }

    public static V1Service AggregatorService(LogPipeline pipeline, ResourceNames names) => Service(
        pipeline, names.AggregatorService, AggregatorComponent, "ClusterIP", PipelineDefaults.AggregatorPort, pipeline.Spec.Aggregator.Tls is not null);

    /// <summary>The store's query API (GET /v1/logs), on the aggregator's port.</summary>
    public static V1Service StoreService(LogPipeline pipeline, ResourceNames names) => Service(
        pipeline, names.StoreService, StoreComponent, "ClusterIP", PipelineDefaults.AggregatorPort, pipeline.Spec.Aggregator.Tls is not null);

    /// <summary>The processor's health and metrics endpoints, on the aggregator's port.</summary>
    public static V1Service ProcessorService(LogPipeline pipeline, ResourceNames names) => Service(
        pipeline, names.ProcessorService, ProcessorComponent, "ClusterIP", PipelineDefaults.AggregatorPort, pipeline.Spec.Aggregator.Tls is not null);

    /// <summary>The router's health and metrics endpoints, on the aggregator's port.</summary>
    public static V1Service RouterService(LogPipeline pipeline, ResourceNames names) => Service(
        pipeline, names.RouterService, RouterComponent, "ClusterIP", PipelineDefaults.AggregatorPort, pipeline.Spec.Aggregator.Tls is not null);

    /// <summary>Keeps one pod up during voluntary disruptions (drains); only meaningful with more than one replica.</summary>
    public static V1PodDisruptionBudget DisruptionBudget(LogPipeline pipeline, string name, string component)
    {
        var budget = new V1PodDisruptionBudget
        {
            ApiVersion = "policy/v1",
            Kind = "PodDisruptionBudget",
            Metadata = ObjectMetadata.For(pipeline, name, component),
            Spec = new V1PodDisruptionBudgetSpec
            {
                MinAvailable = (IntOrString)1,
                Selector = new V1LabelSelector { MatchLabels = PipelineLabels.Selector(pipeline.Metadata.Name, component) },
            },
        };
        return budget;
    }

    private static V1Deployment Deployment(LogPipeline pipeline, Workload workload)
    {
        if (workload.ServingTls is { } servingTls)
        {
            workload.Volumes.Add(TlsFiles.ServingVolumeFor(servingTls));
            workload.Mounts.Add(TlsFiles.ServingMount());
        }
        var daprdMounts = new List<string>();
        if (workload.PostgresTls is { } postgresTls)
        {
            workload.Volumes.Add(TlsFiles.PostgresVolumeFor(postgresTls));
            if (workload.AppReadsPostgres)
            {
                workload.Mounts.Add(TlsFiles.PostgresMount());
            }
            // The same path in daprd, for the PostgreSQL binding (and state store) it runs.
            daprdMounts.Add(TlsFiles.PostgresVolume + ":" + TlsFiles.PostgresDirectory);
        }
        if (pipeline.Spec.PubSub.Type == BrokerType.JetStream && TlsFiles.JetStreamVolumeFor(pipeline.Spec.PubSub.JetStream) is { } jetstreamTls)
        {
            // Every workload's daprd loads the pub/sub component (ingest publishes, the aggregator roles subscribe).
            workload.Volumes.Add(jetstreamTls);
            daprdMounts.Add(TlsFiles.JetStreamVolume + ":" + TlsFiles.JetStreamDirectory);
        }
        if (daprdMounts.Count > 0)
        {
            workload.DaprAnnotations[TlsFiles.DaprVolumeMountsAnnotation] = string.Join(",", daprdMounts);
        }
        var scheme = workload.ServingTls is null ? "HTTP" : "HTTPS";
        var podLabels = PipelineLabels.For(pipeline.Metadata.Name, workload.Component);
        var container = new V1Container
        {
            Name = workload.Component,
            Image = workload.Image,
            ImagePullPolicy = workload.PullPolicy.ToString(),
            Ports = [new V1ContainerPort { Name = HttpPortName, ContainerPort = workload.Port, Protocol = "TCP" }],
            Env = workload.Env,
            Resources = Resources(workload.Resources),
            LivenessProbe = Probe("/healthz", scheme, periodSeconds: 10, failureThreshold: 3),
            ReadinessProbe = Probe("/readyz", scheme, periodSeconds: 5, failureThreshold: 3),
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                ReadOnlyRootFilesystem = true,
                RunAsNonRoot = true,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            VolumeMounts = workload.Mounts,
        };

        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = ObjectMetadata.For(pipeline, workload.Name, workload.Component),
            Spec = new V1DeploymentSpec
            {
                Replicas = workload.Replicas,
                Selector = new V1LabelSelector { MatchLabels = PipelineLabels.Selector(pipeline.Metadata.Name, workload.Component) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = podLabels,
                        Annotations = DaprAnnotations(pipeline.Spec.Dapr, workload.AppId, workload.Port, workload.SidecarResources, workload.DaprAnnotations),
                    },
                    Spec = new V1PodSpec
                    {
                        Containers = [container],
                        Volumes = workload.Volumes,
                        EnableServiceLinks = false,
                        TerminationGracePeriodSeconds = 30,
                        SecurityContext = new V1PodSecurityContext
                        {
                            RunAsNonRoot = true,
                            RunAsUser = AppUserId,
                            RunAsGroup = AppUserId,
                            FsGroup = AppUserId,
                            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                        },
                    },
                },
            },
        };
        // Error messages name the spec field: spec.storage.pod for the store, spec.processing.pod for the processor.
        var field = workload.Component switch
        {
            StoreComponent => "storage",
            ProcessorComponent => "processing",
            RouterComponent => "routes",
            _ => workload.Component,
        };
        PodPassthrough.Apply(deployment.Spec.Template, workload.Pod, field);
        return deployment;
    }

    /// <summary>The annotations the Dapr sidecar injector reads.</summary>
    private static Dictionary<string, string> DaprAnnotations(DaprSidecarSpec dapr, string appId, int port, ResourcesSpec? sidecar, Dictionary<string, string> workloadSpecific)
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["dapr.io/enabled"] = "true",
            ["dapr.io/app-id"] = appId,
            ["dapr.io/app-port"] = port.ToString(CultureInfo.InvariantCulture),
            ["dapr.io/app-protocol"] = "http",
            ["dapr.io/log-level"] = dapr.LogLevel.ToString().ToLowerInvariant(),
            ["dapr.io/enable-metrics"] = "true",
            // Annotation-based Prometheus discovery (the common kubernetes-pods job) scrapes the app, which serves
            // /metrics on its own port; the sidecar's metrics port is covered by the chart's PodMonitor.
            ["prometheus.io/scrape"] = "true",
            ["prometheus.io/port"] = port.ToString(CultureInfo.InvariantCulture),
            ["prometheus.io/path"] = MetricsPath,
        };
        if (dapr.Config is { } config)
        {
            annotations["dapr.io/config"] = config;
        }
        if (sidecar?.Requests is { } requests)
        {
            AddIfPresent(annotations, "dapr.io/sidecar-cpu-request", requests, "cpu");
            AddIfPresent(annotations, "dapr.io/sidecar-memory-request", requests, "memory");
        }
        if (sidecar?.Limits is { } limits)
        {
            AddIfPresent(annotations, "dapr.io/sidecar-cpu-limit", limits, "cpu");
            AddIfPresent(annotations, "dapr.io/sidecar-memory-limit", limits, "memory");
        }
        foreach (var (key, value) in workloadSpecific)
        {
            annotations[key] = value;
        }
        return annotations;
    }

    private static void AddIfPresent(Dictionary<string, string> annotations, string annotation, Dictionary<string, string> quantities, string resource)
    {
        if (quantities.TryGetValue(resource, out var quantity))
        {
            annotations[annotation] = quantity;
        }
    }

    private static V1ResourceRequirements Resources(ResourcesSpec spec) => new()
    {
        Requests = spec.Requests?.ToDictionary(p => p.Key, p => new ResourceQuantity(p.Value), StringComparer.Ordinal),
        Limits = spec.Limits?.ToDictionary(p => p.Key, p => new ResourceQuantity(p.Value), StringComparer.Ordinal),
    };

    /// <param name="scheme">HTTPS with TLS on: the kubelet does not verify the certificate, so no CA is needed.</param>
    private static V1Probe Probe(string path, string scheme, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = (IntOrString)HttpPortName, Scheme = scheme == "HTTP" ? null : scheme },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 2,
    };

    /// <param name="https">The port serves HTTPS: appProtocol https tells meshes and gateways to speak TLS to it.</param>
    private static V1Service Service(LogPipeline pipeline, string name, string component, string type, int port, bool https)
    {
        var service = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = ObjectMetadata.For(pipeline, name, component),
            Spec = new V1ServiceSpec
            {
                Type = type,
                Selector = PipelineLabels.Selector(pipeline.Metadata.Name, component),
                Ports = [new V1ServicePort { Name = HttpPortName, Port = port, TargetPort = (IntOrString)HttpPortName, Protocol = "TCP", AppProtocol = https ? "https" : null }],
            },
        };
        return service;
    }
}
