using System.Text.Json.Nodes;

namespace LogDapr.DevSidecar.Components;

/// <summary>Everything read from the resources paths.</summary>
public sealed record ResourceSet(
    IReadOnlyList<ComponentResource> Components,
    IReadOnlyList<SubscriptionResource> Subscriptions,
    IReadOnlyList<(string Name, JsonNode Spec)> Resiliencies,
    IReadOnlyList<string> Warnings)
{
    public static ResourceSet Empty { get; } = new([], [], [], []);
}
