namespace LogDapr.Aggregator.Processing.Rules;

/// <summary>The rule set in use. Swapped whole by <see cref="RulesWatcher"/>; read once per delivery.</summary>
public sealed class ActiveRules
{
    private RuleSet? current;

    public RuleSet Current => Volatile.Read(ref current) ?? throw new InvalidOperationException("the processing rules are not loaded yet");

    public bool IsLoaded => Volatile.Read(ref current) is not null;

    public void Use(RuleSet rules) => Volatile.Write(ref current, rules);
}
