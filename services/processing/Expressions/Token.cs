namespace LogDapr.Processing.Expressions;

internal enum TokenKind
{
    End,
    Word,
    String,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Comma,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

/// <summary>One token; <see cref="Column"/> is 1-based. <see cref="Text"/> is the word or the unescaped string.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Column);
