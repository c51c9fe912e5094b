using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Controller;

/// <summary>Why a reconcile stopped before changing anything, as the conditions will say it.</summary>
/// <param name="Dapr">The DaprCompatible condition to report, or null to keep the previous one (nothing was checked).</param>
public sealed record Blocked(string Reason, string Message, PipelineCondition? Dapr);
