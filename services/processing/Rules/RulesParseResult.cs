namespace LogDapr.Processing.Rules;

/// <summary>A parsed rule set, or every error found in it: <see cref="Rules"/> is null exactly when <see cref="Errors"/> is not empty.</summary>
public sealed record RulesParseResult(ProcessingRules? Rules, IReadOnlyList<RuleError> Errors)
{
    public bool Succeeded => Rules is not null;
}
