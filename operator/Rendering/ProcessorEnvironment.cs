using k8s.Models;
using LogDapr.Configuration;
using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// What only the processor role gets: its role, the rules file, the topic it publishes to and, in hash mode, the
/// hash key. The keys are the processor's configuration (section Processing, Aggregator:Role=Processor) as the
/// issue-14 brief fixes them; the processor's options type is written in parallel, so they are spelled here.
/// </summary>
public static class ProcessorEnvironment
{
    public const string ProcessorRole = "Processor";
    public const string RulesFileKey = "Processing:RulesFile";
    public const string OutputTopicKey = "Processing:OutputTopic";
    public const string HashKeyKey = "Processing:HashKey";

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
