namespace LogDapr.Processing.Rules;

/// <summary>One reason a rule set was refused: where (<c>transforms[2].when</c>, <c>$</c> for the whole document) and why.</summary>
public sealed record RuleError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
