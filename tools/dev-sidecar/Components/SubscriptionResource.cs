using LogDapr.DevSidecar.PubSub.Subscriptions;


namespace LogDapr.DevSidecar.Components;

/// <summary>A declarative Dapr <c>Subscription</c> resource; <see cref="Scopes"/> are app ids (empty = every served app).</summary>
public sealed record SubscriptionResource(string Name, SubscriptionSpec Spec, IReadOnlyList<string> Scopes, string SourceFile);
