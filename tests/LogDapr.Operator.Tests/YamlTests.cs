using System.Text.Json.Nodes;
using LogDapr.Formats.Yaml;

namespace LogDapr.Operator.Tests;

public sealed class YamlTests
{
    [Fact]
    public void Strings_that_look_like_other_types_are_quoted_and_round_trip()
    {
        var obj = new JsonObject
        {
            ["port"] = "8080",
            ["flag"] = "true",
            ["empty"] = "",
            ["time"] = "12:00:00",
            ["date"] = "2024-01-01",
            ["plain"] = "hello world",
            ["number"] = 8080,
            ["bool"] = false,
            ["multi"] = "line one\nline two\n",
        };
        var yaml = YamlDocuments.Write(obj);
        Assert.Contains("port: \"8080\"", yaml, StringComparison.Ordinal);
        Assert.Contains("time: \"12:00:00\"", yaml, StringComparison.Ordinal);
        Assert.Contains("plain: hello world", yaml, StringComparison.Ordinal);
        var back = YamlDocuments.Parse(yaml).Single();
        Assert.True(JsonNode.DeepEquals(obj, back), back.ToJsonString());
    }

    [Fact]
    public void Duplicate_keys_are_an_error()
    {
        Assert.Throws<FormatException>(() => YamlDocuments.Parse("a: 1\na: 2\n"));
    }
}
