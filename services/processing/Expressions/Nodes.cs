using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LogDapr.Contracts.Events;

namespace LogDapr.Processing.Expressions;

/// <summary>
/// The syntax tree of a condition. Each node is also its own evaluator: literals are converted, numbers parsed and
/// regexes compiled when the tree is built, so evaluating one event allocates nothing.
/// </summary>
internal abstract class Node
{
    public abstract bool Evaluate(FieldSource source);

    /// <summary>Canonical text: fully parenthesized, single spacing, double-quoted strings (used for the rules version).</summary>
    public abstract void Render(StringBuilder text);
}

internal enum CompareOp
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

internal enum TextOp
{
    StartsWith,
    EndsWith,
    Contains,
}

internal sealed class OrNode(Node left, Node right) : Node
{
    public override bool Evaluate(FieldSource source) => left.Evaluate(source) || right.Evaluate(source);

    public override void Render(StringBuilder text)
    {
        text.Append('(');
        left.Render(text);
        text.Append(" or ");
        right.Render(text);
        text.Append(')');
    }
}

internal sealed class AndNode(Node left, Node right) : Node
{
    public override bool Evaluate(FieldSource source) => left.Evaluate(source) && right.Evaluate(source);

    public override void Render(StringBuilder text)
    {
        text.Append('(');
        left.Render(text);
        text.Append(" and ");
        right.Render(text);
        text.Append(')');
    }
}

internal sealed class NotNode(Node operand) : Node
{
    public override bool Evaluate(FieldSource source) => !operand.Evaluate(source);

    public override void Render(StringBuilder text)
    {
        text.Append("(not ");
        operand.Render(text);
        text.Append(')');
    }
}

/// <summary>Which field a comparison reads.</summary>
internal sealed class FieldRef(EventField field, string? attributeKey)
{
    public EventField Field { get; } = field;

    public string? Get(FieldSource source) => Field == EventField.Attribute ? source.GetAttribute(attributeKey!) : source.GetField(Field);

    public void Render(StringBuilder text)
    {
        if (Field != EventField.Attribute)
        {
            text.Append(Name(Field));
            return;
        }
        text.Append("attributes[");
        Literal.Render(text, attributeKey!);
        text.Append(']');
    }

    public static string Name(EventField field) => field switch
    {
        EventField.Id => "id",
        EventField.TenantId => "tenant_id",
        EventField.Service => "service",
        EventField.Severity => "severity",
        EventField.Host => "host",
        EventField.Message => "message",
        EventField.TraceId => "trace_id",
        EventField.SpanId => "span_id",
        _ => "attributes",
    };
}

/// <summary>A literal with its number form, when its text is a finite invariant-culture number.</summary>
internal readonly struct Literal
{
    public Literal(string text)
    {
        Text = text;
        IsNumber = TryNumber(text, out double number);
        Number = number;
    }

    public string Text { get; }

    public bool IsNumber { get; }

    public double Number { get; }

    public static bool TryNumber(string text, out double number) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);

    /// <summary>Compares a field value with this literal: as numbers when both are numbers, otherwise ordinally.</summary>
    public int CompareFrom(string value)
    {
        if (IsNumber && TryNumber(value, out double number))
        {
            return number.CompareTo(Number);
        }
        return string.CompareOrdinal(value, Text);
    }

    public bool EqualsValue(string value)
    {
        if (IsNumber && TryNumber(value, out double number))
        {
            return number == Number;
        }
        return string.Equals(value, Text, StringComparison.Ordinal);
    }

    public static void Render(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }
}

internal static class Ops
{
    public static string Symbol(CompareOp op) => op switch
    {
        CompareOp.Equal => "==",
        CompareOp.NotEqual => "!=",
        CompareOp.Less => "<",
        CompareOp.LessOrEqual => "<=",
        CompareOp.Greater => ">",
        _ => ">=",
    };

    public static bool Holds(CompareOp op, int comparison) => op switch
    {
        CompareOp.Less => comparison < 0,
        CompareOp.LessOrEqual => comparison <= 0,
        CompareOp.Greater => comparison > 0,
        CompareOp.GreaterOrEqual => comparison >= 0,
        _ => false,
    };
}

internal sealed class CompareNode(FieldRef field, CompareOp op, Literal literal) : Node
{
    public override bool Evaluate(FieldSource source)
    {
        string? value = field.Get(source);
        if (value is null)
        {
            return false;
        }
        return op switch
        {
            CompareOp.Equal => literal.EqualsValue(value),
            CompareOp.NotEqual => !literal.EqualsValue(value),
            _ => Ops.Holds(op, literal.CompareFrom(value)),
        };
    }

    public override void Render(StringBuilder text)
    {
        field.Render(text);
        text.Append(' ').Append(Ops.Symbol(op)).Append(' ');
        Literal.Render(text, literal.Text);
    }
}

/// <summary>Severity against a severity name, by rank (trace &lt; debug &lt; info &lt; warn &lt; error &lt; fatal).</summary>
internal sealed class SeverityCompareNode(CompareOp op, Severity severity) : Node
{
    public override bool Evaluate(FieldSource source)
    {
        int comparison = ((byte)source.Severity).CompareTo((byte)severity);
        return op switch
        {
            CompareOp.Equal => comparison == 0,
            CompareOp.NotEqual => comparison != 0,
            _ => Ops.Holds(op, comparison),
        };
    }

    public override void Render(StringBuilder text) =>
        text.Append("severity ").Append(Ops.Symbol(op)).Append(' ').Append(SeverityNames.ToWire(severity));
}

internal sealed class TextNode(FieldRef field, TextOp op, string literal) : Node
{
    public override bool Evaluate(FieldSource source)
    {
        string? value = field.Get(source);
        if (value is null)
        {
            return false;
        }
        return op switch
        {
            TextOp.StartsWith => value.StartsWith(literal, StringComparison.Ordinal),
            TextOp.EndsWith => value.EndsWith(literal, StringComparison.Ordinal),
            _ => value.Contains(literal, StringComparison.Ordinal),
        };
    }

    public override void Render(StringBuilder text)
    {
        field.Render(text);
        text.Append(op switch
        {
            TextOp.StartsWith => " startswith ",
            TextOp.EndsWith => " endswith ",
            _ => " contains ",
        });
        Literal.Render(text, literal);
    }
}

internal sealed class MatchNode(FieldRef field, string pattern, Regex regex) : Node
{
    public override bool Evaluate(FieldSource source)
    {
        string? value = field.Get(source);
        return value is not null && regex.IsMatch(value);
    }

    public override void Render(StringBuilder text)
    {
        field.Render(text);
        text.Append(" matches ");
        Literal.Render(text, pattern);
    }
}

internal sealed class InNode(FieldRef field, Literal[] literals) : Node
{
    public override bool Evaluate(FieldSource source)
    {
        string? value = field.Get(source);
        if (value is null)
        {
            return false;
        }
        foreach (var literal in literals)
        {
            if (literal.EqualsValue(value))
            {
                return true;
            }
        }
        return false;
    }

    public override void Render(StringBuilder text)
    {
        field.Render(text);
        text.Append(" in (");
        for (int i = 0; i < literals.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }
            Literal.Render(text, literals[i].Text);
        }
        text.Append(')');
    }
}

internal sealed class SeverityInNode(Severity[] severities) : Node
{
    public override bool Evaluate(FieldSource source) => Array.IndexOf(severities, source.Severity) >= 0;

    public override void Render(StringBuilder text)
    {
        text.Append("severity in (");
        for (int i = 0; i < severities.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }
            text.Append(SeverityNames.ToWire(severities[i]));
        }
        text.Append(')');
    }
}

internal sealed class ExistsNode(FieldRef field) : Node
{
    public override bool Evaluate(FieldSource source) => field.Get(source) is not null;

    public override void Render(StringBuilder text)
    {
        field.Render(text);
        text.Append(" exists");
    }
}
