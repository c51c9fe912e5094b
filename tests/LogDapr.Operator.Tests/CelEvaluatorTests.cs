using System.Text.Json.Nodes;
using LogDapr.Operator.Tests.Support.CrdValidation;

namespace LogDapr.Operator.Tests;

public sealed class CelEvaluatorTests
{
    private static readonly JsonNode Self = JsonNode.Parse("""{"type":"kafka","n":3,"name":"abc","tls":{"enabled":true},"items":["a","b"]}""")!;

    [Theory]
    [InlineData("self.type == 'kafka'", true)]
    [InlineData("self.type != 'kafka' || has(self.tls)", true)]
    [InlineData("has(self.missing)", false)]
    [InlineData("!has(self.missing) && self.n >= 3", true)]
    [InlineData("self.n < 3", false)]
    [InlineData("size(self.name) <= 3 && self.name.size() == 3", true)]
    [InlineData("self.type in ['redis', 'kafka']", true)]
    [InlineData("'c' in self.items", false)]
    [InlineData("self.tls.enabled ? self.n == 3 : false", true)]
    [InlineData("has(self.tls) == has(self.missing)", false)]
    [InlineData("true || self.missing == 1", true)]
    [InlineData("self.n > -1", true)]
    [InlineData("self.n + 1 == 4", true)]
    [InlineData("self.n * 1000 >= 3000 && self.n * 2 - 1 == 5", true)]
    [InlineData("self.name + '-x' == 'abc-x'", true)]
    [InlineData("self.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')", true)]
    [InlineData("self.name.matches('b')", true)]
    [InlineData("self.name.matches('^b')", false)]
    public void Evaluates_the_subset(string rule, bool expected) => Assert.Equal(expected, CelEvaluator.EvaluateRule(rule, Self));

    [Theory]
    [InlineData("self.missing == 1")]
    [InlineData("self.type == 1")]
    [InlineData("matches(self.name, 'a')")]
    [InlineData("self.n + 'a' == 4")]
    [InlineData("self.n.matches('3')")]
    [InlineData("self.n * 9223372036854775807 > 0")]
    public void Rejects_errors_and_anything_outside_the_subset(string rule) =>
        Assert.Throws<CelException>(() => CelEvaluator.EvaluateRule(rule, Self));
}
