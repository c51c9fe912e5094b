using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests;

/// <summary>What `helm upgrade` does to the CRD, and the Kubernetes versions the chart admits (the real helm binary).</summary>
public sealed class ChartUpgradeTests
{
    private static (int Exit, string Output) Helm(params string[] args) => ExternalTools.Run(ExternalTools.Helm, args);

    /// <summary>Without --include-crds: only templates, i.e. what `helm upgrade` applies and updates.</summary>
    private static List<JsonObject> Templates(params string[] extra)
    {
        var (exit, output) = Helm(["template", "rel", RepoPaths.Chart, "--namespace", "ops", .. extra]);
        Assert.True(exit == 0, "helm template failed:\n" + output);
        return YamlDocuments.Parse(output).OfType<JsonObject>().ToList();
    }

    [Fact]
    public void The_CRD_is_a_template_so_helm_upgrade_updates_it_and_uninstall_keeps_it()
    {
        var crd = Assert.Single(Templates(), d => d.GetString("kind") == "CustomResourceDefinition");

        var generated = YamlDocuments.Parse(File.ReadAllText(RepoPaths.CrdFile))[0]!.AsObject();
        Assert.Equal(generated["metadata"].GetString("name"), crd["metadata"].GetString("name"));
        Assert.True(JsonNode.DeepEquals(generated["spec"], crd["spec"]), "the templated CRD's spec differs from manifests/crds");
        Assert.Equal("keep", crd["metadata"]!["annotations"].GetString("helm.sh/resource-policy"));
        Assert.Equal("Helm", crd["metadata"]!["labels"].GetString("app.kubernetes.io/managed-by"));
        // Helm installs crds/ once and never upgrades it: nothing may be left there.
        Assert.False(Directory.Exists(Path.Combine(RepoPaths.Chart, "crds")), "charts/logdapr/crds/ is never upgraded by Helm");
    }

    [Fact]
    public void With_crds_create_false_the_chart_leaves_the_CRD_alone()
    {
        var docs = Templates("--set", "crds.create=false");

        Assert.DoesNotContain(docs, d => d.GetString("kind") == "CustomResourceDefinition");
        Assert.Contains(docs, d => d.GetString("kind") == "Deployment");
    }

    [Theory]
    [InlineData("1.27.9", false)]
    [InlineData("1.28.0", true)]
    [InlineData("1.34.1", true)]
    public void The_chart_installs_only_on_Kubernetes_versions_that_accept_its_CRD(string version, bool accepted)
    {
        var (exit, output) = Helm("template", "rel", RepoPaths.Chart, "--namespace", "ops", "--kube-version", version);

        Assert.True((exit == 0) == accepted, output);
        if (!accepted)
        {
            Assert.Contains($"chart requires kubeVersion: >=1.28.0-0 which is incompatible with Kubernetes v{version}", output, StringComparison.Ordinal);
        }
    }

    /// <summary>fieldPath in x-kubernetes-validations is refused by API servers before 1.28 (KEP-2876 beta).</summary>
    [Fact]
    public void The_chart_kubeVersion_covers_the_CRD_features_it_uses()
    {
        var crdText = File.ReadAllText(RepoPaths.CrdFile);
        var chart = YamlDocuments.Parse(File.ReadAllText(Path.Combine(RepoPaths.Chart, "Chart.yaml")))[0]!;
        var minimum = Regex.Match(chart.GetString("kubeVersion")!, @"^>=1\.(\d+)\.").Groups[1].Value;

        Assert.Contains("fieldPath:", crdText, StringComparison.Ordinal);
        Assert.True(int.Parse(minimum, System.Globalization.CultureInfo.InvariantCulture) >= 28, $"kubeVersion allows 1.{minimum}, but the CRD's CEL rules use fieldPath (1.28+)");
    }
}
