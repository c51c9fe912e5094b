using LogDapr.Configuration.Pipeline;
using LogDapr.Operator.ApiValidation;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// LogPipeline -> the objects that implement it. Pure: no I/O, no clock, no randomness, so the controller, the
/// <c>render</c> command and the golden tests all produce byte-identical output for the same input.
/// </summary>
public static class PipelineRenderer
{
    public static RenderResult Render(LogPipeline pipeline, RenderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        options ??= RenderOptions.Default;
        if (string.IsNullOrEmpty(pipeline.Metadata.Name))
        {
            throw new InvalidPipelineException("metadata.name is required");
        }
        if (string.IsNullOrEmpty(pipeline.Metadata.NamespaceProperty))
        {
            throw new InvalidPipelineException("metadata.namespace is required");
        }
        if (pipeline.Spec.DeadLetter.Topic == pipeline.Spec.PubSub.Topic)
        {
            throw new InvalidPipelineException("deadLetter.topic must differ from pubsub.topic");
        }

        if (pipeline.Spec.DeadLetter.Topic == PipelineTopics.Audit(pipeline.Spec))
        {
            // Also a CEL rule; checked here for `render`.
            throw new InvalidPipelineException($"deadLetter.topic must differ from {PipelineTopics.Audit(pipeline.Spec)}, the topic ingest sends its audit records to");
        }

        if (pipeline.Spec.Ingest.Service.Port == PipelineDefaults.IngestOtlpGrpcPort)
        {
            // Also a CEL rule; checked here for `render`. Two Service ports with one number are refused by the API server.
            throw new InvalidPipelineException($"ingest.service.port cannot be {PipelineDefaults.IngestOtlpGrpcPort}: the Service serves OTLP/gRPC on it (port {WorkloadRenderer.OtlpGrpcPortName})");
        }

        var processing = ProcessingSpec.IsOn(pipeline.Spec);
        if (processing && pipeline.Spec.DeadLetter.Topic == PipelineTopics.Processed(pipeline.Spec))
        {
            // Also a CEL rule; checked here for `render`.
            throw new InvalidPipelineException($"deadLetter.topic must differ from {PipelineTopics.Processed(pipeline.Spec)}, the topic the processor publishes to while spec.processing is enabled");
        }

        if (processing && ProcessingRules.Problems(pipeline.Spec.Processing!) is { } rulesProblems)
        {
            // What the CRD schema cannot see (expressions, regexes, aliases): refused whole, before anything is applied.
            throw new InvalidPipelineException(rulesProblems) { Reason = "InvalidProcessingRules" };
        }

        if (pipeline.Spec.Routes is { } routesSpec && RouteRules.Problems(routesSpec) is { } routesProblems)
        {
            // What the CRD schema cannot see (binding references, conditions, metadata bounds): refused whole.
            throw new InvalidPipelineException(routesProblems) { Reason = RouteRules.InvalidReason };
        }

        if (pipeline.Spec.Ingest.Service.Type != ServiceType.ClusterIP && !pipeline.Spec.Ingest.Auth.Enabled && !pipeline.Spec.Ingest.Service.AllowUnauthenticated)
        {
            // Also a CEL rule; checked here for objects stored before the rule existed and for `render`.
            throw new InvalidPipelineException($"ingest.auth.enabled must be true when ingest.service.type is {pipeline.Spec.Ingest.Service.Type}: the Service is reachable from outside the cluster and ingest without API keys accepts events from anyone (set ingest.service.allowUnauthenticated to accept that explicitly)");
        }

        ImagePolicy.Check(pipeline.Spec.Ingest.Image, "spec.ingest.image", options);
        ImagePolicy.Check(pipeline.Spec.Aggregator.Image, "spec.aggregator.image", options);

        var names = new ResourceNames(pipeline.Metadata.Name);
        var secrets = new List<SecretReference>();
        var objects = new List<RenderedObject>
        {
            new(KnownResources.DaprComponents, ComponentRenderer.PubSub(pipeline, names, secrets)),
        };
        if (ComponentRenderer.DeadLetterPubSub(pipeline, names, secrets) is { } deadLetterPubSub)
        {
            objects.Add(new(KnownResources.DaprComponents, deadLetterPubSub));
        }
        if (ComponentRenderer.AuditPubSub(pipeline, names, secrets) is { } auditPubSub)
        {
            objects.Add(new(KnownResources.DaprComponents, auditPubSub));
        }
        objects.AddRange(
        [
            new(KnownResources.DaprComponents, ComponentRenderer.StateStore(pipeline, names, secrets)),
            new(KnownResources.DaprComponents, ComponentRenderer.PostgresBinding(pipeline, names, secrets)),
        ]);
        var storage = pipeline.Spec.Storage.Enabled;
        if (ComponentRenderer.Archive(pipeline, names, secrets) is { } archive)
        {
            objects.Add(new(KnownResources.DaprComponents, archive));
        }
        objects.AddRange(ComponentRenderer.RouteBindings(pipeline, names, secrets).Select(c => new RenderedObject(KnownResources.DaprComponents, c)));
        objects.AddRange(
        [
            new(KnownResources.DaprResiliencies, ResiliencyRenderer.Render(pipeline, names)),
            new(KnownResources.DaprSubscriptions, SubscriptionRenderer.Logs(pipeline, names)),
            new(KnownResources.DaprSubscriptions, SubscriptionRenderer.DeadLetters(pipeline, names)),
            new(KnownResources.DaprSubscriptions, SubscriptionRenderer.Audit(pipeline, names)),
        ]);
        if (storage)
        {
            objects.Add(new(KnownResources.DaprSubscriptions, SubscriptionRenderer.StoreLogs(pipeline, names)));
        }
        var rulesJson = processing ? ProcessingRules.Json(pipeline.Spec.Processing!) : null;
        if (rulesJson is not null)
        {
            objects.Add(new(KnownResources.DaprSubscriptions, SubscriptionRenderer.ProcessorLogs(pipeline, names)));
            objects.Add(new(KnownResources.ConfigMaps, WorkloadRenderer.ProcessingConfigMap(pipeline, names, rulesJson)));
        }
        var routesJson = pipeline.Spec.Routes is { } routes ? RouteRules.Json(routes, names) : null;
        if (routesJson is not null)
        {
            objects.Add(new(KnownResources.DaprSubscriptions, SubscriptionRenderer.RouterLogs(pipeline, names)));
            objects.Add(new(KnownResources.ConfigMaps, WorkloadRenderer.RoutesConfigMap(pipeline, names, routesJson)));
        }
        objects.AddRange(
        [
            new(KnownResources.Services, WorkloadRenderer.IngestService(pipeline, names)),
            new(KnownResources.Services, WorkloadRenderer.AggregatorService(pipeline, names)),
        ]);
        if (storage)
        {
            objects.Add(new(KnownResources.Services, WorkloadRenderer.StoreService(pipeline, names)));
        }
        if (processing)
        {
            objects.Add(new(KnownResources.Services, WorkloadRenderer.ProcessorService(pipeline, names)));
        }
        if (routesJson is not null)
        {
            objects.Add(new(KnownResources.Services, WorkloadRenderer.RouterService(pipeline, names)));
        }
        objects.AddRange(
        [
            new(KnownResources.Deployments, WorkloadRenderer.IngestDeployment(pipeline, names, options, secrets)),
            new(KnownResources.Deployments, WorkloadRenderer.AggregatorDeployment(pipeline, names, options, secrets)),
        ]);
        if (storage)
        {
            objects.Add(new(KnownResources.Deployments, WorkloadRenderer.StoreDeployment(pipeline, names, options, secrets)));
        }
        if (rulesJson is not null)
        {
            objects.Add(new(KnownResources.Deployments, WorkloadRenderer.ProcessorDeployment(pipeline, names, options, secrets, rulesJson)));
        }
        if (routesJson is not null)
        {
            objects.Add(new(KnownResources.Deployments, WorkloadRenderer.RouterDeployment(pipeline, names, options, secrets, routesJson)));
        }
        objects.AddRange(AutoscalingRenderer.Render(pipeline, names, secrets));
        // A budget of one available pod blocks every drain while there is only one; with an autoscaler, by the fewest.
        if (pipeline.Spec.Ingest.FewestReplicas() > 1)
        {
            objects.Add(new(KnownResources.PodDisruptionBudgets, WorkloadRenderer.DisruptionBudget(pipeline, names.IngestDisruptionBudget, WorkloadRenderer.IngestComponent)));
        }
        if (pipeline.Spec.Aggregator.FewestReplicas() > 1)
        {
            objects.Add(new(KnownResources.PodDisruptionBudgets, WorkloadRenderer.DisruptionBudget(pipeline, names.AggregatorDisruptionBudget, WorkloadRenderer.AggregatorComponent)));
        }
        if (storage && pipeline.Spec.Storage.FewestReplicas() > 1)
        {
            objects.Add(new(KnownResources.PodDisruptionBudgets, WorkloadRenderer.DisruptionBudget(pipeline, names.StoreDisruptionBudget, WorkloadRenderer.StoreComponent)));
        }
        if (processing && pipeline.Spec.Processing!.FewestReplicas() > 1)
        {
            objects.Add(new(KnownResources.PodDisruptionBudgets, WorkloadRenderer.DisruptionBudget(pipeline, names.ProcessorDisruptionBudget, WorkloadRenderer.ProcessorComponent)));
        }
        if (pipeline.Spec.Routes is { Replicas: > 1 })
        {
            objects.Add(new(KnownResources.PodDisruptionBudgets, WorkloadRenderer.DisruptionBudget(pipeline, names.RouterDisruptionBudget, WorkloadRenderer.RouterComponent)));
        }
        objects.AddRange(NetworkPolicyRenderer.Render(pipeline, names).Select(p => new RenderedObject(KnownResources.NetworkPolicies, p)));
        PodChecksums.AddDaprConfig(objects);

        var serviceHost = $"{names.IngestService}.{pipeline.Metadata.NamespaceProperty}.svc.{options.ClusterDomain}";
        var port = pipeline.Spec.Ingest.Service.Port;
        var ingestEndpoint = port == 80 ? $"http://{serviceHost}/v1/logs" : $"http://{serviceHost}:{port}/v1/logs";
        var queryEndpoint = $"http://{names.AggregatorService}.{pipeline.Metadata.NamespaceProperty}.svc.{options.ClusterDomain}:{PipelineDefaults.AggregatorPort}";

        // Everything the apiserver would refuse, found before anything is applied (no half-applied pipeline).
        var problems = objects.SelectMany(o => ObjectValidator.Validate(o.Type, o.Object)).ToList();
        if (problems.Count > 0)
        {
            throw new InvalidPipelineException($"LogPipeline {pipeline.Metadata.Name}: the API server would refuse what it renders: {string.Join("; ", problems)}");
        }

        var distinctSecrets = secrets
            .GroupBy(s => (s.SecretName, s.Key))
            .Select(g => g.First())
            .ToList();
        return new RenderResult(
            objects,
            distinctSecrets,
            ingestEndpoint,
            queryEndpoint,
            names.PubSubComponent,
            pipeline.Spec.PubSub.Topic,
            AppToken.IsGenerated(pipeline) ? names.AppTokenSecret : null,
            storage ? names.CursorKeySecret : null,
            storage ? $"http://{names.StoreService}.{pipeline.Metadata.NamespaceProperty}.svc.{options.ClusterDomain}:{PipelineDefaults.AggregatorPort}" : null,
            processing ? PipelineTopics.Processed(pipeline.Spec) : null,
            RedactionKey.IsGenerated(pipeline) ? names.RedactionKeySecret : null);
    }
}
