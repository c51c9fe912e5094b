using LogDapr.Processing.Expressions;

namespace LogDapr.Processing.Rules;

/// <summary>One item of <c>transforms</c>: an action on the event, applied only when <see cref="When"/> holds (always when null).</summary>
public abstract record TransformRule
{
    public Condition? When { get; init; }
}

/// <summary>Moves an attribute to another key (in place, replacing any attribute already at <see cref="To"/>).</summary>
public sealed record RenameTransform(string From, string To) : TransformRule;

/// <summary>Copies an attribute's value to another key (replacing any attribute already there).</summary>
public sealed record CopyTransform(string From, string To) : TransformRule;

/// <summary>Removes attributes by key.</summary>
public sealed record RemoveTransform(IReadOnlyList<string> Keys) : TransformRule;

/// <summary>Sets an attribute to a constant.</summary>
public sealed record SetTransform(string Key, string Value) : TransformRule;

/// <summary>Drops the event.</summary>
public sealed record DropTransform : TransformRule;

/// <summary>Keeps a share of events, decided by a hash of the event id (a redelivery is decided the same way).</summary>
public sealed record SampleTransform(double Rate) : TransformRule;
