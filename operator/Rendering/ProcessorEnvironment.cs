using k8s.Models;
using LogDapr.Configuration;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// What only the processor role gets: its role, the rules file, the topic it publishes to and, in hash mode, the
/// hash key (ProcessingOptions, Aggregator:Role=Processor).
/// </summary>
public static class ProcessorEnvironment
{
    public static readonly string ProcessorRole = nameof(LogDapr.Configuration.Aggregator.AggregatorRole.Processor);
    public const string RulesFileKey = ConfigKeys.ProcessingRulesFile;
    public const string OutputTopicKey = ConfigKeys.ProcessingOutputTopic;
    public const string HashKeyKey = ConfigKeys.ProcessingHashKey;

    public static IEnumerable<V1EnvVar> ProcessorOnly(LogPipeline pipeline, ResourceNames names, List<SecretReference> secrets)
    {
        yield return Value(StoreEnvironment.RoleKey, ProcessorRole);
        yield return Value(RulesFileKey, ProcessingRules.FilePath);
        yield return Value(OutputTopicKey, PipelineTopics.Processed(pipeline.Spec));
        if (RedactionKey.Needed(pipeline))
        {
            var selector = RedactionKey.Selector(pipeline, names);
            if (!RedactionKey.IsGenerated(pipeline))
            {
                // A generated key Secret is created by the controller, so only a named one is a precondition.
                secrets.Add(new SecretReference(selector.Name, selector.Key, "spec.processing.redaction.hashKeySecretRef"));
            }
            yield return new V1EnvVar
            {
                Name = ConfigKeys.EnvironmentName(HashKeyKey),
                ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = selector.Name, Key = selector.Key } },
            };
        }
    }

    private static V1EnvVar Value(string key, string value) => new() { Name = ConfigKeys.EnvironmentName(key), Value = value };
}
