using System.Globalization;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Controller;

/// <summary>Condition types and reasons the operator reports (CamelCase reasons, per the API conventions).</summary>
public static class PipelineConditions
{
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Degraded = "Degraded";

    /// <summary>Whether the cluster's Dapr is one LogDapr supports (reasons in <see cref="Dapr.DaprCompatibility"/>).</summary>
    public const string DaprCompatible = "DaprCompatible";

    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    public static class Reasons
    {
        public const string Available = "Available";
        public const string RollingOut = "RollingOut";
        public const string Complete = "Complete";
        public const string AsExpected = "AsExpected";
        public const string SecretNotFound = "SecretNotFound";
        public const string SecretKeyNotFound = "SecretKeyNotFound";
        public const string InvalidSpec = "InvalidSpec";
        public const string InvalidConnectionString = "InvalidConnectionString";

        /// <summary>A referenced TLS Secret key is not PEM, or a private key does not belong to its certificate.</summary>
        public const string InvalidCertificate = "InvalidCertificate";

        /// <summary>spec.processing passes the schema but the processor's own parser refuses it (an expression, a regex, an alias).</summary>
        public const string InvalidProcessingRules = "InvalidProcessingRules";

        /// <summary>metadata.name cannot name the derived objects (see ApiValidation.PipelineNameRules).</summary>
        public const string InvalidName = "InvalidName";
        public const string DaprNotInstalled = Dapr.DaprCompatibility.NotInstalled;
        public const string DaprIncompatible = Dapr.DaprCompatibility.Incompatible;
        public const string ApplyFailed = "ApplyFailed";

        /// <summary>spec.aggregator.autoscaling.backlog needs KEDA, whose CRDs the cluster does not serve.</summary>
        public const string KedaNotInstalled = "KedaNotInstalled";

        /// <summary>spec.storage.archive.type is not one of the object-store bindings LogDapr archives to.</summary>
        public const string UnsupportedArchiveType = Rendering.ComponentRenderer.UnsupportedArchiveTypeReason;

        /// <summary>spec.*.image names an image the operator's --allowed-image-prefixes does not allow.</summary>
        public const string ImageNotAllowed = Rendering.ImagePolicy.NotAllowedReason;

        /// <summary>The API server's schema for a rendered kind lacks a field the operator renders (an older CRD or Kubernetes).</summary>
        public const string UnknownField = "UnknownField";

        /// <summary>A Deployment's rollout passed its progressDeadlineSeconds (the Deployment controller's own reason).</summary>
        public const string ProgressDeadlineExceeded = WorkloadReadiness.ProgressDeadlineExceeded;
    }

    /// <summary>
    /// Merges newly computed conditions into the previous ones: lastTransitionTime only moves when the status of
    /// a condition changes, so watchers can tell how long a pipeline has been (not) ready. A previous condition of a
    /// type not computed this time (e.g. DaprCompatible when the spec could not be rendered) is kept as it was.
    /// </summary>
    public static List<PipelineCondition> Merge(IReadOnlyList<PipelineCondition>? previous, IReadOnlyList<PipelineCondition> computed, DateTimeOffset now)
    {
        var result = new List<PipelineCondition>();
        foreach (var condition in computed)
        {
            var old = previous?.FirstOrDefault(p => p.Type == condition.Type);
            condition.LastTransitionTime = old is not null && old.Status == condition.Status && old.LastTransitionTime is not null
                ? old.LastTransitionTime
                : now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            result.Add(condition);
        }
        result.AddRange(previous?.Where(p => computed.All(c => c.Type != p.Type)) ?? []);
        return result;
    }

    public static PipelineCondition Make(string type, string status, string reason, string message, long generation) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        // The schema (metav1.Condition's) caps messages; a status write must never fail over a long list of problems.
        Message = message.Length <= PipelineCondition.MessageMaxLength ? message : message[..(PipelineCondition.MessageMaxLength - 3)] + "...",
        ObservedGeneration = generation,
    };
}
