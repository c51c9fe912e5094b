using System.Text;

namespace LogDapr.Processing.Expressions;

/// <summary>
/// Splits a <c>when</c> expression into tokens. Words are runs of letters, digits and <c>_ . - + @ / :</c>, so
/// <c>attributes.http.status</c>, <c>-1.5e3</c> and <c>startswith</c> are each one word; the parser decides what a
/// word is from where it stands.
/// </summary>
internal static class Tokenizer
{
    public static bool TryTokenize(string text, List<Token> tokens, out ExpressionError? error)
    {
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            int column = i + 1;
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            switch (c)
            {
                case '(':
                    tokens.Add(new Token(TokenKind.LeftParen, "(", column));
                    i++;
                    continue;
                case ')':
                    tokens.Add(new Token(TokenKind.RightParen, ")", column));
                    i++;
                    continue;
                case '[':
                    tokens.Add(new Token(TokenKind.LeftBracket, "[", column));
                    i++;
                    continue;
                case ']':
                    tokens.Add(new Token(TokenKind.RightBracket, "]", column));
                    i++;
                    continue;
                case ',':
                    tokens.Add(new Token(TokenKind.Comma, ",", column));
                    i++;
                    continue;
                case '=':
                    if (Next(text, i) == '=')
                    {
                        tokens.Add(new Token(TokenKind.Equal, "==", column));
                        i += 2;
                        continue;
                    }
                    error = new ExpressionError(column, "'=' is not an operator; use '==' to compare");
                    return false;
                case '!':
                    if (Next(text, i) == '=')
                    {
                        tokens.Add(new Token(TokenKind.NotEqual, "!=", column));
                        i += 2;
                        continue;
                    }
                    error = new ExpressionError(column, "'!' is not an operator; use 'not' or '!='");
                    return false;
                case '<':
                    i = Comparison(text, i, tokens, TokenKind.Less, TokenKind.LessOrEqual, "<");
                    continue;
                case '>':
                    i = Comparison(text, i, tokens, TokenKind.Greater, TokenKind.GreaterOrEqual, ">");
                    continue;
                case '"' or '\'':
                    if (!TryString(text, ref i, tokens, out error))
                    {
                        return false;
                    }
                    continue;
                default:
                    break;
            }
            if (!IsWordChar(c))
            {
                error = new ExpressionError(column, $"unexpected character '{Printable(c)}'");
                return false;
            }
            int start = i;
            while (i < text.Length && IsWordChar(text[i]))
            {
                i++;
            }
            tokens.Add(new Token(TokenKind.Word, text[start..i], column));
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length + 1));
        error = null;
        return true;
    }

    private static char Next(string text, int i) => i + 1 < text.Length ? text[i + 1] : '\0';

    private static int Comparison(string text, int i, List<Token> tokens, TokenKind single, TokenKind orEqual, string symbol)
    {
        if (Next(text, i) == '=')
        {
            tokens.Add(new Token(orEqual, symbol + "=", i + 1));
            return i + 2;
        }
        tokens.Add(new Token(single, symbol, i + 1));
        return i + 1;
    }

    private static bool TryString(string text, ref int i, List<Token> tokens, out ExpressionError? error)
    {
        char quote = text[i];
        int column = i + 1;
        var value = new StringBuilder();
        i++;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == quote)
            {
                i++;
                tokens.Add(new Token(TokenKind.String, value.ToString(), column));
                error = null;
                return true;
            }
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }
                char escaped = text[i + 1];
                char? unescaped = escaped switch
                {
                    '\\' => '\\',
                    '"' => '"',
                    '\'' => '\'',
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    _ => null,
                };
                if (unescaped is null)
                {
                    error = new ExpressionError(i + 1, $"unknown escape '\\{Printable(escaped)}' (use \\\\, \\\", \\', \\n, \\t or \\r)");
                    return false;
                }
                value.Append(unescaped.Value);
                i += 2;
                continue;
            }
            value.Append(c);
            i++;
        }
        error = new ExpressionError(column, "string is not closed");
        return false;
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' or '+' or '@' or '/' or ':';

    private static string Printable(char c) => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString();
}
