using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Controller;
using LogDapr.Operator.Diagnostics;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Permissions;
using LogDapr.Operator.Tests.Support.CrdValidation;
using LogDapr.Operator.Tests.Support.Fakes;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogDapr.Operator.Tests.Support;

/// <summary>
/// A fake cluster for controller tests: the in-memory API server with the LogPipeline CRD's schema as admission
/// (read from manifests/crds), a stand-in for the Deployment controller that reports rollouts as finished, and
/// the operator's controller talking to it through the permission-guarded <see cref="IKubeApi"/>.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private Task? controllerTask;
    private Task? deploymentsTask;

    public TestCluster(IKubeApi? api = null)
        : this(new FakeApiServer(), api)
    {
    }

    public TestCluster(FakeApiServer server, IKubeApi? api)
    {
        Server = server;
        var crd = YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0].AsObject();
        var validator = StructuralSchemaValidator.FromCrd(crd);
        Server.AddAdmission(KnownResources.LogPipelines, obj =>
        {
            var (defaulted, errors) = validator.Validate(obj);
            return (defaulted, errors);
        });
        // The apps/v1 defaulting the operator relies on: a Deployment applied without spec.replicas gets 1
        // (k8s.io/kubernetes pkg/apis/apps/v1/defaults.go SetDefaults_Deployment), owned by no field manager.
        Server.AddAdmission(KnownResources.Deployments, obj =>
        {
            if (obj["spec"] is JsonObject spec && spec["replicas"] is null)
            {
                spec["replicas"] = 1;
            }
            return (obj, []);
        });
        Api = api ?? new InMemoryKubeApi(Server);
        // A cluster with the supported Dapr installed; tests that need another Dapr change it before Start().
        DaprInstallation.Install(Server);
        // And without KEDA (optional; only backlog scaling needs it).
        KedaInstallation.Uninstall(Server);
    }

    public FakeApiServer Server { get; }

    public IKubeApi Api { get; }

    public LogPipelineController? Controller { get; private set; }

    public OperatorMetrics Metrics { get; } = new();

    /// <summary>While false, Deployments stay unavailable (a rollout in progress).</summary>
    public volatile bool DeploymentsBecomeAvailable = true;

    /// <summary>Which Deployments (by name) become available while <see cref="DeploymentsBecomeAvailable"/>; all by default.</summary>
    public volatile Func<string, bool> DeploymentBecomesAvailable = _ => true;

    public static OperatorOptions FastOptions => new()
    {
        Workers = 2,
        ResyncPeriod = TimeSpan.FromMinutes(10),
        DependencyRetry = TimeSpan.FromMilliseconds(300),
        BackoffBase = TimeSpan.FromMilliseconds(20),
        BackoffMax = TimeSpan.FromSeconds(1),
        MissingTypeRetry = TimeSpan.FromMilliseconds(200),
        // Every reconcile reads Dapr's CRDs and webhook afresh, so a test's change to them is seen at once.
        DaprCheckInterval = TimeSpan.Zero,
    };

    public void Start(OperatorOptions? options = null)
    {
        Controller = new LogPipelineController(new PermissionGuardedKubeApi(Api), options ?? FastOptions, Metrics, TimeProvider.System, NullLoggerFactory.Instance);
        controllerTask = Controller.RunAsync(stop.Token);
        deploymentsTask = SimulateDeploymentControllerAsync(stop.Token);
    }

    /// <summary>Creates every document of a YAML text (Secrets, LogPipelines...) as a user would with kubectl.</summary>
    public void Apply(string yaml)
    {
        foreach (var doc in YamlDocuments.Parse(yaml).OfType<JsonObject>())
        {
            var type = KnownResources.FindByKind(doc["apiVersion"]!.GetValue<string>(), doc["kind"]!.GetValue<string>())
                ?? throw new InvalidOperationException("unknown kind " + doc["kind"]);
            Server.Create(type, doc, "kubectl");
        }
    }

    public JsonObject Pipeline(string ns, string name) => Server.Get(KnownResources.LogPipelines, ns, name);

    public static string? Condition(JsonObject pipeline, string type, string field = "status") =>
        (pipeline["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == type)?.GetString(field);

    public Task WaitForConditionAsync(string ns, string name, string type, string status, string? reason = null, TimeSpan? timeout = null) =>
        Eventually.TrueAsync(
            () =>
            {
                var pipeline = Server.TryGet(KnownResources.LogPipelines, ns, name);
                return pipeline is not null
                    && Condition(pipeline, type) == status
                    && (reason is null || Condition(pipeline, type, "reason") == reason)
                    && pipeline["status"].GetLong("observedGeneration") == pipeline["metadata"].GetLong("generation");
            },
            $"{ns}/{name} {type}={status}{(reason is null ? "" : " reason " + reason)}",
            timeout);

    /// <summary>Updates a LogPipeline's spec as a user would (read, modify, replace; retried on conflict).</summary>
    public void EditPipeline(string ns, string name, Action<JsonObject> edit)
    {
        for (var attempt = 0; ; attempt++)
        {
            var pipeline = Pipeline(ns, name);
            edit(pipeline);
            try
            {
                Server.Update(KnownResources.LogPipelines, pipeline, "kubectl-edit");
                return;
            }
            catch (KubeApiException e) when (e.IsConflict && attempt < 20)
            {
                // Someone (the operator's status write) got there first; read again.
            }
        }
    }

    /// <summary>Plays the Deployment controller: once a Deployment's spec is observed, its replicas are available.</summary>
    private async Task SimulateDeploymentControllerAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (DeploymentsBecomeAvailable)
            {
                foreach (var deployment in Server.All(KnownResources.Deployments))
                {
                    if (!DeploymentBecomesAvailable(deployment.Name()))
                    {
                        continue;
                    }
                    var generation = deployment["metadata"].GetLong("generation") ?? 1;
                    var replicas = deployment["spec"].GetLong("replicas") ?? 1;
                    if (deployment["status"].GetLong("observedGeneration") == generation && deployment["status"].GetLong("availableReplicas") == replicas)
                    {
                        continue;
                    }
                    deployment["status"] = new JsonObject
                    {
                        ["observedGeneration"] = generation,
                        ["replicas"] = replicas,
                        ["updatedReplicas"] = replicas,
                        ["readyReplicas"] = replicas,
                        ["availableReplicas"] = replicas,
                    };
                    try
                    {
                        Server.UpdateStatus(KnownResources.Deployments, deployment, "kube-controller-manager");
                    }
                    catch (KubeApiException)
                    {
                        // Changed or deleted meanwhile; next round.
                    }
                }
            }
            try
            {
                await Task.Delay(25, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (controllerTask is not null)
        {
            await controllerTask.WaitAsync(TimeSpan.FromSeconds(10));
        }
        if (deploymentsTask is not null)
        {
            await deploymentsTask;
        }
        Controller?.Dispose();
        Metrics.Dispose();
        stop.Dispose();
    }
}
