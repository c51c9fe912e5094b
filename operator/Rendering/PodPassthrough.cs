using System.Text.RegularExpressions;
using k8s.Models;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// spec.*.pod onto a rendered pod template. Runs last, on the finished template, so that a user label or annotation
/// can never replace one the operator set (selector labels, Dapr annotations, whatever is added later): such a key is
/// refused, and the pipeline gets InvalidSpec with nothing applied, rather than being silently dropped or allowed to
/// re-point the Dapr sidecar (dapr.io/app-id decides which components it may load).
/// </summary>
internal static partial class PodPassthrough
{
    /// <summary>Prefixes reserved to the operator and to the Dapr sidecar injector, set or not.</summary>
    private static readonly string[] ReservedPrefixes = ["dapr.io/", "logdapr.io/"];

    public static void Apply(V1PodTemplateSpec template, PodSettingsSpec? pod, string component)
    {
        if (pod is null)
        {
            return;
        }
        CheckSyntax(pod.Labels, $"{component}.pod.labels", labelValues: true);
        CheckSyntax(pod.Annotations, $"{component}.pod.annotations", labelValues: false);
        CheckSyntax(pod.NodeSelector, $"{component}.pod.nodeSelector", labelValues: true);
        template.Metadata.Labels = Merge(template.Metadata.Labels, pod.Labels, $"{component}.pod.labels");
        template.Metadata.Annotations = Merge(template.Metadata.Annotations, pod.Annotations, $"{component}.pod.annotations");
        var spec = template.Spec;
        spec.NodeSelector = pod.NodeSelector is { Count: > 0 } nodeSelector ? new Dictionary<string, string>(nodeSelector, StringComparer.Ordinal) : null;
        spec.Tolerations = pod.Tolerations is { Count: > 0 } tolerations ? tolerations : null;
        spec.Affinity = pod.Affinity;
        spec.TopologySpreadConstraints = pod.TopologySpreadConstraints is { Count: > 0 } spread ? spread : null;
        spec.ImagePullSecrets = pod.ImagePullSecrets is { Count: > 0 } pullSecrets ? pullSecrets : null;
        spec.PriorityClassName = pod.PriorityClassName;
    }

    private static IDictionary<string, string> Merge(IDictionary<string, string>? rendered, Dictionary<string, string>? extra, string field)
    {
        var result = new Dictionary<string, string>(rendered ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        if (extra is null)
        {
            return result;
        }
        foreach (var (key, value) in extra.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (result.ContainsKey(key))
            {
                throw new InvalidPipelineException($"{field} may not set \"{key}\": the operator sets it on the pod");
            }
            if (ReservedPrefixes.FirstOrDefault(prefix => key.StartsWith(prefix, StringComparison.Ordinal)) is { } reserved)
            {
                throw new InvalidPipelineException($"{field} may not set \"{key}\": the prefix {reserved} is reserved to the operator and Dapr (configure the sidecar through the LogPipeline's fields)");
            }
            result[key] = value;
        }
        return result;
    }

    /// <summary>
    /// Keys are qualified names ([prefix/]name), label values at most 63 characters of the label alphabet: what the
    /// API server checks (k8s.io/apimachinery pkg/util/validation IsQualifiedName, IsValidLabelValue), checked here so
    /// a bad key is an InvalidSpec before anything is applied instead of a refused Deployment after the rest.
    /// </summary>
    private static void CheckSyntax(Dictionary<string, string>? entries, string field, bool labelValues)
    {
        foreach (var (key, value) in entries ?? [])
        {
            var slash = key.LastIndexOf('/');
            var (prefix, name) = slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
            if (name.Length is 0 or > 63 || !NamePart().IsMatch(name) || (slash >= 0 && (prefix.Length is 0 or > 253 || !DnsSubdomain().IsMatch(prefix))))
            {
                throw new InvalidPipelineException($"{field}: \"{key}\" is not a valid key: [prefix/]name, the name at most 63 characters of [A-Za-z0-9_.-] starting and ending alphanumeric, the prefix a DNS subdomain");
            }
            if (labelValues && (value.Length > 63 || (value.Length > 0 && !NamePart().IsMatch(value))))
            {
                throw new InvalidPipelineException($"{field}: the value \"{value}\" of \"{key}\" is not a valid label value: at most 63 characters of [A-Za-z0-9_.-] starting and ending alphanumeric");
            }
        }
    }

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex NamePart();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsSubdomain();
}
