using LogDapr.Operator.Entities;

namespace LogDapr.Operator.ApiValidation;

/// <summary>
/// The CRD's rules for metadata.name (see the CEL rules on <see cref="LogPipeline"/>), for LogPipelines that reached
/// the operator without them: created before the CRD was upgraded, or read from a file by the render command.
/// </summary>
public static class PipelineNameRules
{
    /// <summary>What is wrong with the name, in one sentence, or null when nothing is.</summary>
    public static string? Problem(string name)
    {
        var problems = NameRules.Dns1035Label(name).Where(p => !p.StartsWith("must be no more than", StringComparison.Ordinal)).ToList();
        if (name.Length > LogPipeline.MaxNameLength)
        {
            problems.Add($"must be no more than {LogPipeline.MaxNameLength} characters (the Dapr app id <name>-aggregator plus the \"-dapr\" suffix of the Service Dapr creates for it must fit in a 63-character DNS label)");
        }
        return problems.Count == 0
            ? null
            : $"metadata.name \"{name}\" cannot name a pipeline: {string.Join("; ", problems)}. It names the pipeline's Services (<name>-ingest, <name>-aggregator) and Dapr app ids; recreate the LogPipeline under a valid name. Nothing was applied.";
    }
}
