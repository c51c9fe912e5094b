using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Routing.Routes;

/// <summary>One validated route: the events it matches go to one Dapr output binding.</summary>
/// <param name="Name">Unique in the document; part of every idempotency key and dead-letter id of the route.</param>
/// <param name="When">The condition as written, or null when the route takes every event.</param>
/// <param name="Matches">The compiled condition.</param>
/// <param name="Binding">The Dapr output binding component the events are sent to.</param>
/// <param name="Operation">The binding operation (<c>create</c> unless the route says otherwise).</param>
/// <param name="Metadata">Request metadata sent with every call, besides the idempotency key.</param>
public sealed record Route(
    string Name,
    string? When,
    Func<LogEvent, bool> Matches,
    string Binding,
    string Operation,
    IReadOnlyDictionary<string, string> Metadata);
