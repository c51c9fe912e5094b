using System.Text.RegularExpressions;
using LogDapr.Contracts.Events;

namespace LogDapr.Processing.Expressions;

/// <summary>
/// Recursive descent over the tokens of a <c>when</c> expression:
/// <code>
/// or         := and ("or" and)*
/// and        := unary ("and" unary)*
/// unary      := "not" unary | "(" or ")" | comparison
/// comparison := field ("==" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=") literal
///             | field ("startswith" | "endswith" | "contains" | "matches") string
///             | field "in" "(" literal ("," literal)* ")"
///             | field "exists"
/// field      := id | tenant_id | service | severity | host | message | trace_id | span_id
///             | attributes.KEY | attributes[STRING]
/// literal    := STRING | NUMBER | SEVERITY (only against severity)
/// </code>
/// Keywords and severity names are case-insensitive; field names are lowercase.
/// </summary>
internal sealed class ConditionParser
{
    public const int MaxLength = 4096;
    public const int MaxDepth = 32;

    private const string FieldList = "id, tenant_id, service, severity, host, message, trace_id, span_id, attributes.<key> or attributes[\"key\"]";
    private const string SeverityList = "trace, debug, info, warn, error, fatal";
    private const string AttributesPrefix = "attributes.";

    private static readonly string[] SeverityWords = ["trace", "debug", "info", "warn", "error", "fatal"];

    private readonly List<Token> tokens;
    private int position;
    private int depth;

    private ConditionParser(List<Token> tokens)
    {
        this.tokens = tokens;
    }

    public static bool TryParse(string text, out Node? root, out ExpressionError? error)
    {
        root = null;
        if (text.Length > MaxLength)
        {
            error = new ExpressionError(MaxLength + 1, $"expression is longer than {MaxLength} characters");
            return false;
        }
        var tokens = new List<Token>();
        if (!Tokenizer.TryTokenize(text, tokens, out error))
        {
            return false;
        }
        if (tokens[0].Kind == TokenKind.End)
        {
            error = new ExpressionError(1, "empty expression");
            return false;
        }
        var parser = new ConditionParser(tokens);
        try
        {
            var node = parser.Or();
            var rest = parser.Peek;
            if (rest.Kind != TokenKind.End)
            {
                throw new ParseFailure(rest.Column, $"unexpected '{rest.Text}' after a complete condition; join conditions with 'and' or 'or'");
            }
            root = node;
            error = null;
            return true;
        }
        catch (ParseFailure failure)
        {
            error = new ExpressionError(failure.Column, failure.Message);
            return false;
        }
    }

    private Token Peek => tokens[position];

    private Token Take()
    {
        var token = tokens[position];
        if (token.Kind != TokenKind.End)
        {
            position++;
        }
        return token;
    }

    private bool TakeKeyword(string keyword)
    {
        if (IsKeyword(Peek, keyword))
        {
            position++;
            return true;
        }
        return false;
    }

    private static bool IsKeyword(Token token, string keyword) =>
        token.Kind == TokenKind.Word && string.Equals(token.Text, keyword, StringComparison.OrdinalIgnoreCase);

    private Node Or()
    {
        var left = And();
        while (TakeKeyword("or"))
        {
            left = new OrNode(left, And());
        }
        return left;
    }

    private Node And()
    {
        var left = Unary();
        while (TakeKeyword("and"))
        {
            left = new AndNode(left, Unary());
        }
        return left;
    }

    private Node Unary()
    {
        var token = Peek;
        if (IsKeyword(token, "not"))
        {
            Enter(token);
            position++;
            var operand = new NotNode(Unary());
            depth--;
            return operand;
        }
        if (token.Kind == TokenKind.LeftParen)
        {
            Enter(token);
            position++;
            var inner = Or();
            var close = Take();
            if (close.Kind != TokenKind.RightParen)
            {
                throw new ParseFailure(close.Column, $"expected ')' to close the '(' at column {token.Column}, found {Describe(close)}");
            }
            depth--;
            return inner;
        }
        return Comparison();
    }

    private void Enter(Token token)
    {
        if (++depth > MaxDepth)
        {
            throw new ParseFailure(token.Column, $"nesting deeper than {MaxDepth} levels");
        }
    }

    private Node Comparison()
    {
        var field = Field();
        var op = Take();
        if (op.Kind is TokenKind.Equal or TokenKind.NotEqual or TokenKind.Less or TokenKind.LessOrEqual or TokenKind.Greater or TokenKind.GreaterOrEqual)
        {
            var compare = op.Kind switch
            {
                TokenKind.Equal => CompareOp.Equal,
                TokenKind.NotEqual => CompareOp.NotEqual,
                TokenKind.Less => CompareOp.Less,
                TokenKind.LessOrEqual => CompareOp.LessOrEqual,
                TokenKind.Greater => CompareOp.Greater,
                _ => CompareOp.GreaterOrEqual,
            };
            if (field.Field == EventField.Severity)
            {
                return new SeverityCompareNode(compare, SeverityLiteral());
            }
            return new CompareNode(field, compare, ValueLiteral());
        }
        if (op.Kind == TokenKind.Word)
        {
            string keyword = op.Text.ToLowerInvariant();
            switch (keyword)
            {
                case "startswith":
                    return new TextNode(field, TextOp.StartsWith, StringLiteral(keyword));
                case "endswith":
                    return new TextNode(field, TextOp.EndsWith, StringLiteral(keyword));
                case "contains":
                    return new TextNode(field, TextOp.Contains, StringLiteral(keyword));
                case "matches":
                    return Matches(field);
                case "in":
                    return In(field);
                case "exists":
                    return new ExistsNode(field);
                default:
                    break;
            }
        }
        throw new ParseFailure(op.Column, $"expected an operator (==, !=, <, <=, >, >=, startswith, endswith, contains, matches, in, exists), found {Describe(op)}");
    }

    private FieldRef Field()
    {
        var token = Take();
        if (token.Kind != TokenKind.Word)
        {
            throw new ParseFailure(token.Column, $"expected a field ({FieldList}), found {Describe(token)}");
        }
        string name = token.Text;
        switch (name)
        {
            case "id":
                return new FieldRef(EventField.Id, null);
            case "tenant_id":
                return new FieldRef(EventField.TenantId, null);
            case "service":
                return new FieldRef(EventField.Service, null);
            case "severity":
                return new FieldRef(EventField.Severity, null);
            case "host":
                return new FieldRef(EventField.Host, null);
            case "message":
                return new FieldRef(EventField.Message, null);
            case "trace_id":
                return new FieldRef(EventField.TraceId, null);
            case "span_id":
                return new FieldRef(EventField.SpanId, null);
            case "attributes":
                return BracketAttribute(token);
            default:
                break;
        }
        if (name.StartsWith(AttributesPrefix, StringComparison.Ordinal) && name.Length > AttributesPrefix.Length)
        {
            return new FieldRef(EventField.Attribute, name[AttributesPrefix.Length..]);
        }
        throw new ParseFailure(token.Column, $"unknown field '{name}' (expected {FieldList})");
    }

    private FieldRef BracketAttribute(Token attributes)
    {
        var open = Take();
        if (open.Kind != TokenKind.LeftBracket)
        {
            throw new ParseFailure(open.Column, $"expected '.<key>' or '[\"key\"]' after 'attributes' at column {attributes.Column}, found {Describe(open)}");
        }
        var key = Take();
        if (key.Kind != TokenKind.String || key.Text.Length == 0)
        {
            throw new ParseFailure(key.Column, $"expected a non-empty quoted attribute key, found {Describe(key)}");
        }
        var close = Take();
        if (close.Kind != TokenKind.RightBracket)
        {
            throw new ParseFailure(close.Column, $"expected ']' after the attribute key, found {Describe(close)}");
        }
        return new FieldRef(EventField.Attribute, key.Text);
    }

    private Literal ValueLiteral()
    {
        var token = Take();
        if (token.Kind == TokenKind.String)
        {
            return new Literal(token.Text);
        }
        if (token.Kind == TokenKind.Word && Literal.TryNumber(token.Text, out _))
        {
            return new Literal(token.Text);
        }
        if (token.Kind == TokenKind.Word && IsSeverityWord(token.Text, out _))
        {
            throw new ParseFailure(token.Column, $"'{token.Text}' is a severity name, which only compares with 'severity'; quote it to compare text");
        }
        throw new ParseFailure(token.Column, $"expected a quoted string or a number, found {Describe(token)}");
    }

    private Severity SeverityLiteral()
    {
        var token = Take();
        if (token.Kind is TokenKind.Word or TokenKind.String && IsSeverityWord(token.Text, out var severity))
        {
            return severity;
        }
        throw new ParseFailure(token.Column, $"expected a severity ({SeverityList}), found {Describe(token)}");
    }

    private string StringLiteral(string keyword)
    {
        var token = Take();
        if (token.Kind != TokenKind.String)
        {
            throw new ParseFailure(token.Column, $"'{keyword}' needs a quoted string, found {Describe(token)}");
        }
        return token.Text;
    }

    private MatchNode Matches(FieldRef field)
    {
        var token = Peek;
        string pattern = StringLiteral("matches");
        try
        {
            var regex = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
            return new MatchNode(field, pattern, regex);
        }
        catch (ArgumentException e)
        {
            throw new ParseFailure(token.Column, $"invalid regex: {e.Message}");
        }
        catch (NotSupportedException e)
        {
            throw new ParseFailure(token.Column, $"regex not supported without backtracking: {e.Message}");
        }
    }

    private Node In(FieldRef field)
    {
        var open = Take();
        if (open.Kind != TokenKind.LeftParen)
        {
            throw new ParseFailure(open.Column, $"'in' needs a list in parentheses, e.g. (\"a\", \"b\"), found {Describe(open)}");
        }
        var severities = new List<Severity>();
        var literals = new List<Literal>();
        while (true)
        {
            if (field.Field == EventField.Severity)
            {
                severities.Add(SeverityLiteral());
            }
            else
            {
                literals.Add(ValueLiteral());
            }
            var next = Take();
            if (next.Kind == TokenKind.RightParen)
            {
                break;
            }
            if (next.Kind != TokenKind.Comma)
            {
                throw new ParseFailure(next.Column, $"expected ',' or ')' in the 'in' list, found {Describe(next)}");
            }
        }
        return field.Field == EventField.Severity ? new SeverityInNode([.. severities]) : new InNode(field, [.. literals]);
    }

    private static bool IsSeverityWord(string text, out Severity severity)
    {
        for (int i = 0; i < SeverityWords.Length; i++)
        {
            if (string.Equals(text, SeverityWords[i], StringComparison.OrdinalIgnoreCase))
            {
                severity = (Severity)(i + 1);
                return true;
            }
        }
        severity = default;
        return false;
    }

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the expression",
        TokenKind.String => "a string",
        _ => $"'{token.Text}'",
    };

    private sealed class ParseFailure(int column, string message) : Exception(message)
    {
        public int Column { get; } = column;
    }
}
