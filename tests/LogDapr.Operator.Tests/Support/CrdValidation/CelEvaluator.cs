using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LogDapr.Operator.Tests.Support.CrdValidation;

/// <summary>
/// A test tool: evaluates the CEL rules of the CRD's x-kubernetes-validations the way the API server does, so the
/// invalid samples are refused here as a cluster would refuse them.
/// <para>
/// Why not the NuGet package Cel 0.3.3 (Apache-2.0, the only CEL implementation in the NuGet copy here): tried
/// against every rule of the CRD, it evaluates all of them but one correctly. Its <c>has()</c> follows protobuf
/// default-value semantics, so a field present with an empty value counts as absent: with
/// <c>{"type": "redis", "kafka": {}}</c> the rule <c>self.type == 'kafka' || !has(self.kafka)</c> is true for it,
/// while for Kubernetes (presence in the object) it is false and the object is refused. Revisit when a release
/// evaluates presence on maps.
/// </para>
/// The subset: literals
/// (string, int, bool, null, lists), field selection, has(), size(), matches(), !, -, *, + and - on ints (overflow is an
/// error, as in CEL), + on strings, ==, !=, &lt;, &lt;=, &gt;, &gt;=, in,
/// &amp;&amp;, || (error-absorbing, as in CEL) and the ternary operator. Anything else is a parse error, so a rule
/// outside the subset fails the tests loudly instead of being skipped.
/// </summary>
public static class CelEvaluator
{
    /// <summary>Evaluates a rule against <paramref name="self"/>; throws <see cref="CelException"/> on errors.</summary>
    public static bool EvaluateRule(string rule, JsonNode? self)
    {
        var parser = new Parser(Tokenize(rule));
        var ast = parser.ParseExpression();
        parser.ExpectEnd();
        var value = Evaluate(ast, self);
        return value as bool? ?? throw new CelException($"rule \"{rule}\" did not evaluate to a bool");
    }

    // ---------- values ----------
    // CEL values are represented as: null, bool, long, string, JsonObject (map / message), List<object?>.

    private static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject obj => obj,
        JsonArray array => array.Select(FromJson).ToList(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? l
                : throw new CelException("floating point values are outside the supported CEL subset"),
            _ => null,
        },
        _ => throw new CelException("unsupported JSON node"),
    };

    // ---------- lexer ----------

    private enum TokenKind { Identifier, Int, String, Symbol, End }

    private sealed record Token(TokenKind Kind, string Text, long Number = 0);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Identifier, text[start..i]));
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && char.IsDigit(text[i]))
                {
                    i++;
                }
                tokens.Add(new Token(TokenKind.Int, text[start..i], long.Parse(text[start..i], CultureInfo.InvariantCulture)));
            }
            else if (c is '\'' or '"')
            {
                var quote = c;
                var builder = new StringBuilder();
                i++;
                while (i < text.Length && text[i] != quote)
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                        builder.Append(text[i] switch { 'n' => '\n', 't' => '\t', _ => text[i] });
                    }
                    else
                    {
                        builder.Append(text[i]);
                    }
                    i++;
                }
                if (i >= text.Length)
                {
                    throw new CelException("unterminated string literal");
                }
                i++;
                tokens.Add(new Token(TokenKind.String, builder.ToString()));
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||")
                {
                    tokens.Add(new Token(TokenKind.Symbol, two));
                    i += 2;
                }
                else if ("()[].,!?:<>-+*".Contains(c, StringComparison.Ordinal))
                {
                    tokens.Add(new Token(TokenKind.Symbol, c.ToString()));
                    i++;
                }
                else
                {
                    throw new CelException($"unexpected character '{c}' in CEL expression");
                }
            }
        }
        tokens.Add(new Token(TokenKind.End, ""));
        return tokens;
    }

    // ---------- AST ----------

    private abstract record Node;
    private sealed record Literal(object? Value) : Node;
    private sealed record Ident(string Name) : Node;
    private sealed record Select(Node Operand, string Field) : Node;
    private sealed record Index(Node Operand, Node Key) : Node;
    private sealed record Call(string Function, Node? Target, IReadOnlyList<Node> Args) : Node;
    private sealed record Unary(string Op, Node Operand) : Node;
    private sealed record Binary(string Op, Node Left, Node Right) : Node;
    private sealed record Conditional(Node Condition, Node Then, Node Else) : Node;
    private sealed record ListLiteral(IReadOnlyList<Node> Items) : Node;

    // ---------- parser ----------

    private sealed class Parser(List<Token> tokens)
    {
        private int position;

        private Token Peek => tokens[position];

        private bool IsSymbol(string symbol) => Peek.Kind == TokenKind.Symbol && Peek.Text == symbol;

        private Token Next() => tokens[position++];

        private void Expect(string symbol)
        {
            if (!IsSymbol(symbol))
            {
                throw new CelException($"expected '{symbol}' but found '{Peek.Text}'");
            }
            position++;
        }

        public void ExpectEnd()
        {
            if (Peek.Kind != TokenKind.End)
            {
                throw new CelException($"unexpected '{Peek.Text}' after expression");
            }
        }

        public Node ParseExpression()
        {
            var condition = ParseOr();
            if (IsSymbol("?"))
            {
                Next();
                var then = ParseOr();
                Expect(":");
                var otherwise = ParseExpression();
                return new Conditional(condition, then, otherwise);
            }
            return condition;
        }

        private Node ParseOr()
        {
            var left = ParseAnd();
            while (IsSymbol("||"))
            {
                Next();
                left = new Binary("||", left, ParseAnd());
            }
            return left;
        }

        private Node ParseAnd()
        {
            var left = ParseRelation();
            while (IsSymbol("&&"))
            {
                Next();
                left = new Binary("&&", left, ParseRelation());
            }
            return left;
        }

        private Node ParseRelation()
        {
            var left = ParseAdditive();
            if (Peek.Kind == TokenKind.Symbol && Peek.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                var op = Next().Text;
                return new Binary(op, left, ParseAdditive());
            }
            if (Peek.Kind == TokenKind.Identifier && Peek.Text == "in")
            {
                Next();
                return new Binary("in", left, ParseAdditive());
            }
            return left;
        }

        private Node ParseAdditive()
        {
            var left = ParseMultiplicative();
            while (Peek.Kind == TokenKind.Symbol && Peek.Text is "+" or "-")
            {
                var op = Next().Text;
                left = new Binary(op, left, ParseMultiplicative());
            }
            return left;
        }

        private Node ParseMultiplicative()
        {
            var left = ParseUnary();
            while (IsSymbol("*"))
            {
                Next();
                left = new Binary("*", left, ParseUnary());
            }
            return left;
        }

        private Node ParseUnary()
        {
            if (IsSymbol("!"))
            {
                Next();
                return new Unary("!", ParseUnary());
            }
            if (IsSymbol("-"))
            {
                Next();
                return new Unary("-", ParseUnary());
            }
            return ParseMember();
        }

        private Node ParseMember()
        {
            var node = ParsePrimary();
            while (true)
            {
                if (IsSymbol("."))
                {
                    Next();
                    var name = Next();
                    if (name.Kind != TokenKind.Identifier)
                    {
                        throw new CelException($"expected a field name after '.', found '{name.Text}'");
                    }
                    if (IsSymbol("("))
                    {
                        node = new Call(name.Text, node, ParseArguments());
                    }
                    else
                    {
                        node = new Select(node, name.Text);
                    }
                }
                else if (IsSymbol("["))
                {
                    Next();
                    var key = ParseExpression();
                    Expect("]");
                    node = new Index(node, key);
                }
                else
                {
                    return node;
                }
            }
        }

        private List<Node> ParseArguments()
        {
            Expect("(");
            var args = new List<Node>();
            if (!IsSymbol(")"))
            {
                args.Add(ParseExpression());
                while (IsSymbol(","))
                {
                    Next();
                    args.Add(ParseExpression());
                }
            }
            Expect(")");
            return args;
        }

        private Node ParsePrimary()
        {
            var token = Next();
            switch (token.Kind)
            {
                case TokenKind.Int:
                    return new Literal(token.Number);
                case TokenKind.String:
                    return new Literal(token.Text);
                case TokenKind.Identifier:
                    switch (token.Text)
                    {
                        case "true":
                            return new Literal(true);
                        case "false":
                            return new Literal(false);
                        case "null":
                            return new Literal(null);
                    }
                    if (IsSymbol("("))
                    {
                        return new Call(token.Text, null, ParseArguments());
                    }
                    return new Ident(token.Text);
                case TokenKind.Symbol when token.Text == "(":
                    var inner = ParseExpression();
                    Expect(")");
                    return inner;
                case TokenKind.Symbol when token.Text == "[":
                    var items = new List<Node>();
                    if (!IsSymbol("]"))
                    {
                        items.Add(ParseExpression());
                        while (IsSymbol(","))
                        {
                            Next();
                            items.Add(ParseExpression());
                        }
                    }
                    Expect("]");
                    return new ListLiteral(items);
                default:
                    throw new CelException($"unexpected '{token.Text}'");
            }
        }
    }

    // ---------- evaluation ----------

    private static object? Evaluate(Node node, JsonNode? self)
    {
        switch (node)
        {
            case Literal literal:
                return literal.Value;
            case Ident ident:
                return ident.Name == "self" ? FromJson(self) : throw new CelException($"undeclared reference to '{ident.Name}'");
            case ListLiteral list:
                return list.Items.Select(i => Evaluate(i, self)).ToList();
            case Select select:
                var operand = Evaluate(select.Operand, self);
                if (operand is not JsonObject obj)
                {
                    throw new CelException($"cannot select field '{select.Field}' from a non-object");
                }
                return obj.TryGetPropertyValue(select.Field, out var field)
                    ? FromJson(field)
                    : throw new CelException($"no such key: {select.Field}");
            case Index index:
                var container = Evaluate(index.Operand, self);
                var key = Evaluate(index.Key, self);
                return (container, key) switch
                {
                    (List<object?> items, long i) when i >= 0 && i < items.Count => items[(int)i],
                    (JsonObject map, string k) when map.TryGetPropertyValue(k, out var v) => FromJson(v),
                    _ => throw new CelException("invalid index"),
                };
            case Call call:
                return EvaluateCall(call, self);
            case Unary unary:
                var value = Evaluate(unary.Operand, self);
                return unary.Op switch
                {
                    "!" => value is bool b ? !b : throw new CelException("'!' needs a bool"),
                    "-" => value is long l ? -l : throw new CelException("'-' needs an int"),
                    _ => throw new CelException("unknown unary operator"),
                };
            case Conditional conditional:
                return Evaluate(conditional.Condition, self) switch
                {
                    true => Evaluate(conditional.Then, self),
                    false => Evaluate(conditional.Else, self),
                    _ => throw new CelException("'?:' needs a bool condition"),
                };
            case Binary { Op: "&&" or "||" } logical:
                return EvaluateLogical(logical, self);
            case Binary binary:
                return EvaluateBinary(binary.Op, Evaluate(binary.Left, self), Evaluate(binary.Right, self));
            default:
                throw new CelException("unknown expression");
        }
    }

    /// <summary>CEL's logical operators are commutative over errors: false &amp;&amp; error is false, true || error is true.</summary>
    private static object EvaluateLogical(Binary logical, JsonNode? self)
    {
        var decisive = logical.Op == "||";
        CelException? leftError = null;
        bool? left = null;
        try
        {
            left = Evaluate(logical.Left, self) as bool? ?? throw new CelException($"'{logical.Op}' needs bools");
        }
        catch (CelException e)
        {
            leftError = e;
        }
        if (left == decisive)
        {
            return decisive;
        }
        var right = Evaluate(logical.Right, self) as bool? ?? throw new CelException($"'{logical.Op}' needs bools");
        if (right == decisive)
        {
            return decisive;
        }
        if (leftError is not null)
        {
            throw leftError;
        }
        return !decisive;
    }

    private static object EvaluateBinary(string op, object? left, object? right)
    {
        switch (op)
        {
            case "==":
                return CelEquals(left, right);
            case "!=":
                return !CelEquals(left, right);
            case "in":
                return right switch
                {
                    List<object?> list => list.Any(item => CelEquals(left, item)),
                    JsonObject map when left is string k => map.ContainsKey(k),
                    _ => throw new CelException("'in' needs a list or map on the right"),
                };
            case "+" or "-" or "*":
                return Arithmetic(op, left, right);
        }
        var comparison = (left, right) switch
        {
            (long a, long b) => a.CompareTo(b),
            (string a, string b) => string.CompareOrdinal(a, b),
            _ => throw new CelException($"no such overload: {Describe(left)} {op} {Describe(right)}"),
        };
        return op switch
        {
            "<" => comparison < 0,
            "<=" => comparison <= 0,
            ">" => comparison > 0,
            ">=" => comparison >= 0,
            _ => throw new CelException($"unknown operator {op}"),
        };
    }

    private static object Arithmetic(string op, object? left, object? right)
    {
        if (op == "+" && left is string a && right is string b)
        {
            return a + b;
        }
        if (left is not long x || right is not long y)
        {
            throw new CelException($"no such overload: {Describe(left)} {op} {Describe(right)}");
        }
        try
        {
            return op switch
            {
                "+" => checked(x + y),
                "-" => checked(x - y),
                _ => checked(x * y),
            };
        }
        catch (OverflowException)
        {
            throw new CelException("integer overflow");
        }
    }

    private static bool CelEquals(object? left, object? right) => (left, right) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (long a, long b) => a == b,
        (string a, string b) => a == b,
        (bool a, bool b) => a == b,
        (List<object?> a, List<object?> b) => a.Count == b.Count && a.Zip(b).All(p => CelEquals(p.First, p.Second)),
        (JsonObject a, JsonObject b) => JsonNode.DeepEquals(a, b),
        _ => throw new CelException($"no such overload: {Describe(left)} == {Describe(right)}"),
    };

    private static object? EvaluateCall(Call call, JsonNode? self)
    {
        switch (call.Function)
        {
            case "has":
                // A macro: has(x.f) tests presence of f in x without evaluating x.f.
                if (call.Target is not null || call.Args.Count != 1 || call.Args[0] is not Select select)
                {
                    throw new CelException("has() takes one field selection, e.g. has(self.field)");
                }
                return Evaluate(select.Operand, self) is JsonObject obj
                    ? obj.TryGetPropertyValue(select.Field, out var value) && value is not null
                    : throw new CelException("has() needs an object operand");
            case "size":
                var argument = call.Target is not null
                    ? Evaluate(call.Target, self)
                    : call.Args.Count == 1 ? Evaluate(call.Args[0], self) : throw new CelException("size() takes one argument");
                return argument switch
                {
                    string s => (long)s.EnumerateRunes().Count(),
                    List<object?> list => (long)list.Count,
                    JsonObject map => (long)map.Count,
                    _ => throw new CelException("size() needs a string, list or map"),
                };
            case "matches":
                // string.matches(re): RE2, and a match anywhere in the string (anchors are the rule's business), as
                // CEL specifies. The rules keep to the syntax RE2 and .NET share.
                var subject = call.Target is not null && call.Args.Count == 1
                    ? Evaluate(call.Target, self)
                    : throw new CelException("matches() is called on a string with one argument");
                return (subject, Evaluate(call.Args[0], self)) switch
                {
                    (string text, string pattern) => Regex.IsMatch(text, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)),
                    _ => throw new CelException("matches() needs a string and a string pattern"),
                };
            default:
                throw new CelException($"function '{call.Function}' is outside the supported CEL subset");
        }
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        bool => "bool",
        long => "int",
        string => "string",
        List<object?> => "list",
        JsonObject => "map",
        _ => value.GetType().Name,
    };
}

public sealed class CelException : Exception
{
    public CelException(string message)
        : base(message)
    {
    }

    public CelException()
    {
    }

    public CelException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
