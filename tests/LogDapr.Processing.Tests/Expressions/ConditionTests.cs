using CsCheck;
using LogDapr.Contracts.Events;
using LogDapr.Processing.Expressions;
using LogDapr.Processing.Tests.Support;

namespace LogDapr.Processing.Tests.Expressions;

public sealed class ConditionTests
{
    private static readonly LogEvent Sample = Events.Make(
        id: "evt-7",
        severity: Severity.Warn,
        service: "api-gateway",
        message: "GET /health took 12ms",
        host: "node-1",
        traceId: "abc123",
        attributes: [("env", "prod"), ("http.status", "503"), ("latency", "12.5"), ("user name", "Ann"), ("code", "007")]);

    private static bool Eval(string text, LogEvent? e = null)
    {
        Assert.True(Condition.TryParse(text, out var condition, out var error), $"refused: {error}");
        return condition!.Evaluate(e ?? Sample);
    }

    private static ExpressionError Refused(string text)
    {
        Assert.False(Condition.TryParse(text, out var condition, out var error));
        Assert.Null(condition);
        return error!;
    }

    [Theory]
    [InlineData("service == \"api-gateway\"", true)]
    [InlineData("service == 'api-gateway'", true)]
    [InlineData("service != \"api-gateway\"", false)]
    [InlineData("service != \"web\"", true)]
    [InlineData("id == \"evt-7\"", true)]
    [InlineData("tenant_id == \"acme\"", true)]
    [InlineData("host == \"node-1\"", true)]
    [InlineData("trace_id == \"abc123\"", true)]
    [InlineData("message contains \"health\"", true)]
    [InlineData("message startswith \"GET\"", true)]
    [InlineData("message startswith \"get\"", false)]
    [InlineData("message endswith \"12ms\"", true)]
    [InlineData("message matches \"took [0-9]+ms$\"", true)]
    [InlineData("message matches \"^took\"", false)]
    [InlineData("service in (\"web\", \"api-gateway\")", true)]
    [InlineData("service in (\"web\")", false)]
    [InlineData("attributes.env == \"prod\"", true)]
    [InlineData("attributes.http.status == 503", true)]
    [InlineData("attributes.http.status >= 500", true)]
    [InlineData("attributes.http.status < 500", false)]
    [InlineData("attributes.latency > 9", true)]
    [InlineData("attributes.latency <= 12.5", true)]
    [InlineData("attributes.code == 7", true)]
    [InlineData("attributes.code == \"7\"", true)]
    [InlineData("attributes.env > \"pra\"", true)]
    [InlineData("attributes.env < \"pra\"", false)]
    [InlineData("attributes[\"user name\"] == \"Ann\"", true)]
    [InlineData("attributes.http.status in (500, 503)", true)]
    [InlineData("attributes.env exists", true)]
    [InlineData("host exists", true)]
    [InlineData("span_id exists", false)]
    [InlineData("attributes.missing exists", false)]
    public void Each_operator_compares_as_documented(string text, bool expected)
    {
        Assert.Equal(expected, Eval(text));
    }

    [Theory]
    [InlineData("severity == warn", true)]
    [InlineData("severity == \"warn\"", true)]
    [InlineData("severity == WARN", true)]
    [InlineData("severity > info", true)]
    [InlineData("severity >= warn", true)]
    [InlineData("severity < error", true)]
    [InlineData("severity <= debug", false)]
    [InlineData("severity != fatal", true)]
    [InlineData("severity in (debug, warn)", true)]
    [InlineData("severity in (trace, fatal)", false)]
    [InlineData("severity startswith \"wa\"", true)]
    public void Severity_compares_by_rank(string text, bool expected)
    {
        Assert.Equal(expected, Eval(text));
    }

    [Theory]
    [InlineData("attributes.none == \"x\"")]
    [InlineData("attributes.none != \"x\"")]
    [InlineData("attributes.none < 5")]
    [InlineData("attributes.none >= 5")]
    [InlineData("attributes.none startswith \"x\"")]
    [InlineData("attributes.none contains \"\"")]
    [InlineData("attributes.none matches \".*\"")]
    [InlineData("attributes.none in (\"x\")")]
    [InlineData("span_id != \"x\"")]
    public void A_missing_field_makes_every_comparison_false(string text)
    {
        Assert.False(Eval(text));
        Assert.True(Eval($"not ({text})"));
    }

    [Fact]
    public void Not_of_a_comparison_on_a_missing_attribute_is_true()
    {
        Assert.True(Eval("not (attributes.env == \"dev\")", Events.Make()));
        Assert.True(Eval("not attributes.env == \"dev\"", Events.Make()));
    }

    [Theory]
    [InlineData("service == \"a\" or service == \"b\" and service == \"c\"", "(service == \"a\" or (service == \"b\" and service == \"c\"))")]
    [InlineData("(service == \"a\" or service == \"b\") and service == \"c\"", "((service == \"a\" or service == \"b\") and service == \"c\")")]
    [InlineData("not service == \"a\" and host exists", "((not service == \"a\") and host exists)")]
    [InlineData("not not host exists", "(not (not host exists))")]
    [InlineData("host exists or host exists or host exists", "((host exists or host exists) or host exists)")]
    public void And_binds_tighter_than_or_and_not_tighter_than_both(string text, string canonical)
    {
        Assert.True(Condition.TryParse(text, out var condition, out _));
        Assert.Equal(canonical, condition!.Canonical);
    }

    [Fact]
    public void Precedence_decides_the_result()
    {
        // true or (false and false) = true; (true or false) and false = false
        Assert.True(Eval("severity == warn or service == \"x\" and host == \"y\""));
        Assert.False(Eval("(severity == warn or service == \"x\") and host == \"y\""));
    }

    [Fact]
    public void Spacing_quoting_and_keyword_case_do_not_change_the_canonical_form()
    {
        Assert.True(Condition.TryParse("severity<=DEBUG AND service startswith 'health'", out var a, out _));
        Assert.True(Condition.TryParse("  severity <= debug   and service startswith \"health\" ", out var b, out _));
        Assert.Equal(a!.Canonical, b!.Canonical);
    }

    [Fact]
    public void Escapes_in_strings_are_read()
    {
        var e = Events.Make(message: "say \"hi\"\tthen\\go");

        Assert.True(Eval("message == \"say \\\"hi\\\"\\tthen\\\\go\"", e));
        Assert.True(Eval("message contains 'say \"hi\"'", e));
    }

    [Theory]
    [InlineData("", 1, "empty expression")]
    [InlineData("   ", 1, "empty expression")]
    [InlineData("service = \"a\"", 9, "'=' is not an operator; use '==' to compare")]
    [InlineData("service == \"a", 12, "string is not closed")]
    [InlineData("service == \"a\\q\"", 14, "unknown escape '\\q'")]
    [InlineData("colour == \"red\"", 1, "unknown field 'colour'")]
    [InlineData("service ==", 11, "expected a quoted string or a number, found the end of the expression")]
    [InlineData("service", 8, "expected an operator")]
    [InlineData("service is \"a\"", 9, "expected an operator")]
    [InlineData("service == debug", 12, "'debug' is a severity name, which only compares with 'severity'")]
    [InlineData("service == api", 12, "expected a quoted string or a number, found 'api'")]
    [InlineData("severity == loud", 13, "expected a severity (trace, debug, info, warn, error, fatal), found 'loud'")]
    [InlineData("severity == 3", 13, "expected a severity")]
    [InlineData("service startswith 5", 20, "'startswith' needs a quoted string")]
    [InlineData("message matches \"(\"", 17, "invalid regex")]
    [InlineData("message matches \"(a)\\\\1\"", 17, "regex not supported without backtracking")]
    [InlineData("service in \"a\"", 12, "'in' needs a list in parentheses")]
    [InlineData("service in (\"a\" \"b\")", 17, "expected ',' or ')' in the 'in' list")]
    [InlineData("service in ()", 13, "expected a quoted string or a number, found ')'")]
    [InlineData("(host exists", 13, "expected ')' to close the '(' at column 1")]
    [InlineData("host exists)", 12, "unexpected ')' after a complete condition")]
    [InlineData("host exists host exists", 13, "unexpected 'host' after a complete condition")]
    [InlineData("host exists and", 16, "expected a field")]
    [InlineData("attributes == \"a\"", 12, "expected '.<key>' or '[\"key\"]' after 'attributes' at column 1")]
    [InlineData("attributes[\"\"] exists", 12, "expected a non-empty quoted attribute key")]
    [InlineData("attributes[\"a\" exists", 16, "expected ']' after the attribute key")]
    [InlineData("service == \"a\" & host exists", 16, "unexpected character '&'")]
    [InlineData("!host exists", 1, "'!' is not an operator; use 'not' or '!='")]
    public void Bad_input_is_refused_with_the_column(string text, int column, string message)
    {
        var error = Refused(text);

        Assert.Equal(column, error.Column);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"column {column}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_regex_too_large_for_the_linear_engine_is_refused()
    {
        var error = Refused("message matches \"((a{1000}){1000}){1000}\"");

        Assert.Equal(17, error.Column);
    }

    [Fact]
    public void Nesting_is_bounded_at_32_levels()
    {
        Assert.True(Eval(new string('(', 32) + "host exists" + new string(')', 32)));
        Assert.True(Eval(string.Concat(Enumerable.Repeat("not ", 32)) + "host exists"));

        var error = Refused(new string('(', 33) + "host exists" + new string(')', 33));
        Assert.Equal(new ExpressionError(33, "nesting deeper than 32 levels"), error);
        Assert.Equal(new ExpressionError(33 * 4 - 3, "nesting deeper than 32 levels"), Refused(string.Concat(Enumerable.Repeat("not ", 33)) + "host exists"));
    }

    [Fact]
    public void Text_is_bounded_at_4_KiB()
    {
        string longest = "message == \"" + new string('a', 4096 - 13) + "\"";
        Assert.Equal(4096, longest.Length);
        Assert.True(Condition.TryParse(longest, out _, out _));

        var error = Refused(longest + " ");
        Assert.Equal(new ExpressionError(4097, "expression is longer than 4096 characters"), error);
    }

    [Fact]
    public void Parsing_never_throws_on_random_text()
    {
        Gen.String[Gen.Char, 0, 4096].Sample(text =>
        {
            bool parsed = Condition.TryParse(text, out var condition, out var error);
            Assert.True(parsed ? condition is not null && error is null : condition is null && error is { Column: > 0 });
            if (parsed)
            {
                condition!.Evaluate(Sample);
            }
        }, iter: 2_000);
    }

    private static readonly Gen<string> Fragment = Gen.OneOf(
        Gen.OneOf<string>("service", "severity", "attributes.env", "attributes[\"a b\"]", "host", "message", "span_id", "colour", "attributes"),
        Gen.OneOf<string>("==", "!=", "<", "<=", ">", ">=", "startswith", "endswith", "contains", "matches", "in", "exists", "="),
        Gen.OneOf<string>("and", "or", "not", "(", ")", ",", "[", "]"),
        Gen.OneOf<string>("\"a\"", "'b'", "5", "-1.5e3", "debug", "warn", "\"(\"", "\"[a-z]+\"", "\"", "NaN"));

    [Fact]
    public void Parsing_never_throws_on_random_token_soup()
    {
        Fragment.Array[0, 40].Select(parts => string.Join(' ', parts)).Sample(text =>
        {
            bool parsed = Condition.TryParse(text, out var condition, out var error);
            Assert.True(parsed ? condition is not null : error is { Column: > 0 } && error.Column <= text.Length + 1);
            if (parsed)
            {
                condition!.Evaluate(Sample);
                Assert.True(Condition.TryParse(condition.Canonical, out var again, out _), condition.Canonical);
                Assert.Equal(condition.Canonical, again!.Canonical);
            }
        }, iter: 20_000);
    }
}
