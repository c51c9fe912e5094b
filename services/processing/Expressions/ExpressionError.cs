namespace LogDapr.Processing.Expressions;

/// <summary>Why a <c>when</c> expression was refused: the 1-based column of the offending text and what is wrong.</summary>
public sealed record ExpressionError(int Column, string Message)
{
    public override string ToString() => $"column {Column}: {Message}";
}
