using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

[Description("Inbound delivery policy. Dapr's exponential backoff starts at 500ms and doubles up to maxIntervalMilliseconds; constant waits intervalMilliseconds.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class DeliveryResiliencySpec
{
    [Description("Seconds one delivery may take before it counts as failed.")]
    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    [Description("Backoff between retries: exponential or constant.")]
    public RetryPolicyKind Policy { get; set; } = RetryPolicyKind.Exponential;

    [Description("Wait between retries in milliseconds (policy: constant).")]
    [Range(1, 600_000)]
    public int IntervalMilliseconds { get; set; } = 1000;

    [Description("Longest wait between retries in milliseconds (policy: exponential).")]
    [Range(1, 600_000)]
    public int MaxIntervalMilliseconds { get; set; } = 10_000;
}

public enum RetryPolicyKind
{
    [JsonStringEnumMemberName("exponential")] Exponential,
    [JsonStringEnumMemberName("constant")] Constant,
}
