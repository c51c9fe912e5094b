namespace LogDapr.Operator.Secrets;

/// <summary>One key of one Secret in the pipeline's namespace, as a pod or a Dapr component reads it.</summary>
public sealed record SecretKeyRef(string Name, string Key);
