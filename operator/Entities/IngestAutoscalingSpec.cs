using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[CelRule("!self.enabled || has(self.targetCPUUtilizationPercentage) || has(self.targetMemoryUtilizationPercentage)", "autoscaling needs something to scale on: targetCPUUtilizationPercentage or targetMemoryUtilizationPercentage", FieldPath = ".enabled")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class IngestAutoscalingSpec : AutoscalingSpec;
