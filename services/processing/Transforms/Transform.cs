using LogDapr.Processing.Expressions;
using LogDapr.Processing.Rules;

namespace LogDapr.Processing.Transforms;

/// <summary>A compiled transform: its condition and its action.</summary>
internal abstract class Transform(Condition? when)
{
    public TransformOutcome Apply(MutableEvent e) =>
        when is null || when.Evaluate(e) ? Act(e) : TransformOutcome.Continue;

    protected abstract TransformOutcome Act(MutableEvent e);

    public static Transform Compile(TransformRule rule) => rule switch
    {
        RenameTransform rename => new RenameStep(rule.When, rename.From, rename.To),
        CopyTransform copy => new CopyStep(rule.When, copy.From, copy.To),
        RemoveTransform remove => new RemoveStep(rule.When, [.. remove.Keys]),
        SetTransform set => new SetStep(rule.When, set.Key, set.Value),
        DropTransform => new DropStep(rule.When),
        SampleTransform sample => new SampleStep(rule.When, Sampling.Threshold(sample.Rate)),
        _ => throw new ArgumentException($"unknown transform {rule.GetType().Name}", nameof(rule)),
    };
}

/// <summary>Renames in place (the attribute keeps its position); an attribute already at the new key is replaced.</summary>
internal sealed class RenameStep(Condition? when, string from, string to) : Transform(when)
{
    protected override TransformOutcome Act(MutableEvent e)
    {
        int source = e.IndexOf(from);
        if (source < 0 || string.Equals(from, to, StringComparison.Ordinal))
        {
            return TransformOutcome.Continue;
        }
        int existing = e.IndexOf(to);
        if (existing >= 0)
        {
            e.RemoveAt(existing);
            if (existing < source)
            {
                source--;
            }
        }
        e.SetKey(source, to);
        return TransformOutcome.Continue;
    }
}

/// <summary>Copies a value; skipped when the event already has the most attributes the contract allows.</summary>
internal sealed class CopyStep(Condition? when, string from, string to) : Transform(when)
{
    protected override TransformOutcome Act(MutableEvent e)
    {
        int source = e.IndexOf(from);
        if (source >= 0)
        {
            e.Set(to, e[source].Value);
        }
        return TransformOutcome.Continue;
    }
}

internal sealed class RemoveStep(Condition? when, string[] keys) : Transform(when)
{
    protected override TransformOutcome Act(MutableEvent e)
    {
        foreach (var key in keys)
        {
            int i = e.IndexOf(key);
            if (i >= 0)
            {
                e.RemoveAt(i);
            }
        }
        return TransformOutcome.Continue;
    }
}

/// <summary>Sets a constant; a new key is skipped when the event already has the most attributes the contract allows.</summary>
internal sealed class SetStep(Condition? when, string key, string value) : Transform(when)
{
    protected override TransformOutcome Act(MutableEvent e)
    {
        e.Set(key, value);
        return TransformOutcome.Continue;
    }
}

internal sealed class DropStep(Condition? when) : Transform(when)
{
    protected override TransformOutcome Act(MutableEvent e) => TransformOutcome.Dropped;
}

internal sealed class SampleStep(Condition? when, ulong threshold) : Transform(when)
{
    protected override TransformOutcome Act(MutableEvent e) =>
        Sampling.Keep(e.Original.Id, threshold) ? TransformOutcome.Continue : TransformOutcome.SampledOut;
}
