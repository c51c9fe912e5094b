using System.Text;
using System.Text.Json.Nodes;
using LogDapr.DevSidecar.Http;

namespace LogDapr.DevSidecar.Tests.Unit;

/// <summary>JSON daprd received over HTTP goes through Go's interface{} and json.Marshal before it is stored or published.</summary>
public class GoJsonEncoderTests
{
    [Theory]
    [InlineData("""{"b":1,"a":{"d":true,"c":null}}""", """{"a":{"c":null,"d":true},"b":1}""")]
    [InlineData("""[1.50, 100, 12345678901234567890, 1e21, 0.0000001, -0.5, 0]""", """[1.5,100,12345678901234567000,1e+21,1e-7,-0.5,0]""")]
    [InlineData("\"<a href=\\\"x\\\">&amp;</a>\\u2028\"", "\"\\u003ca href=\\\"x\\\"\\u003e\\u0026amp;\\u003c/a\\u003e\\u2028\"")]
    [InlineData("\"caf\u00e9 \\u0001\\n\"", "\"caf\u00e9 \\u0001\\n\"")]
    public void Re_encodes_like_go(string input, string expected)
    {
        Assert.Equal(expected, Encoding.UTF8.GetString(GoJsonEncoder.Marshal(JsonNode.Parse(input))));
    }
}
