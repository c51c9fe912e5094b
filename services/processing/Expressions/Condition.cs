using System.Text;
using LogDapr.Contracts.Events;

namespace LogDapr.Processing.Expressions;

/// <summary>
/// A compiled <c>when</c> expression (grammar in <see cref="ConditionParser"/> and docs/processing.md). Immutable and
/// thread-safe; evaluating it allocates nothing.
/// </summary>
public sealed class Condition
{
    private readonly Node root;

    private Condition(string text, Node root)
    {
        Text = text;
        this.root = root;
        var canonical = new StringBuilder();
        root.Render(canonical);
        Canonical = canonical.ToString();
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>Fully parenthesized form; equal for expressions that differ only in spacing, quoting or keyword case.</summary>
    public string Canonical { get; }

    /// <summary>Never throws on bad input: a refused expression gives an error naming the column.</summary>
    public static bool TryParse(string text, out Condition? condition, out ExpressionError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (ConditionParser.TryParse(text, out var root, out error))
        {
            condition = new Condition(text, root!);
            return true;
        }
        condition = null;
        return false;
    }

    public bool Evaluate(LogEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return root.Evaluate(new LogEventFieldSource(e));
    }

    internal bool Evaluate(FieldSource source) => root.Evaluate(source);

    public override string ToString() => Canonical;
}
