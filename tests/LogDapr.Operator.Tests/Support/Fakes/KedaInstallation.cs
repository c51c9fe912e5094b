using System.Text.Json.Nodes;
using LogDapr.Operator.Keda;
using LogDapr.Operator.Kubernetes;

namespace LogDapr.Operator.Tests.Support.Fakes;

/// <summary>
/// KEDA in the fake cluster: its CRDs (scaledobjects.keda.sh, triggerauthentications.keda.sh; schemas left out, the
/// operator only reads them by name) and the kinds they serve. A <see cref="TestCluster"/> starts without KEDA.
/// </summary>
public static class KedaInstallation
{
    public static void Install(FakeApiServer server)
    {
        foreach (var type in KedaSupport.RenderedKinds)
        {
            server.Create(KnownResources.CustomResourceDefinitions, new JsonObject
            {
                ["apiVersion"] = "apiextensions.k8s.io/v1",
                ["kind"] = "CustomResourceDefinition",
                ["metadata"] = new JsonObject { ["name"] = KedaSupport.CrdName(type) },
                ["spec"] = new JsonObject
                {
                    ["group"] = type.Group,
                    ["names"] = new JsonObject { ["kind"] = type.Kind, ["plural"] = type.Plural },
                    ["scope"] = "Namespaced",
                    ["versions"] = new JsonArray(new JsonObject { ["name"] = type.Version, ["served"] = true, ["storage"] = true }),
                },
            }, "helm");
            server.Uninstalled.TryRemove(type, out _);
        }
    }

    /// <summary>A cluster without KEDA: no CRDs, and the API server does not serve the kinds.</summary>
    public static void Uninstall(FakeApiServer server)
    {
        foreach (var type in KedaSupport.RenderedKinds)
        {
            if (server.TryGet(KnownResources.CustomResourceDefinitions, null, KedaSupport.CrdName(type)) is not null)
            {
                server.Delete(KnownResources.CustomResourceDefinitions, null, KedaSupport.CrdName(type));
            }
            server.Uninstalled[type] = true;
        }
    }
}
