using System.Text;
using LogDapr.DevSidecar.PubSub.GoJson;

namespace LogDapr.DevSidecar.Tests.Unit;

/// <summary>
/// Golden cases for what Go 1.24's encoding/json makes of a document decoded into interface{} (daprd's bulk delivery
/// path). Expected outputs follow strconv.FormatFloat(f, 'f'|'e', -1, 64) and encoding/json's float and string rules.
/// </summary>
public class GoJsonReencoderTests
{
    private static string Reencode(string json)
    {
        Assert.True(GoJsonReencoder.TryReencode(Encoding.UTF8.GetBytes(json), out var encoded, out var error), error);
        return Encoding.UTF8.GetString(encoded.Span);
    }

    [Theory]
    [InlineData("1.50", "1.5")]
    [InlineData("100", "100")]
    [InlineData("1e2", "100")]
    [InlineData("-0", "-0")]
    [InlineData("0.0", "0")]
    [InlineData("0.1", "0.1")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("1e21", "1e+21")]
    [InlineData("123456789012345678901234567890", "1.2345678901234568e+29")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("0.0000001", "1e-7")]
    [InlineData("-1.25e-7", "-1.25e-7")]
    [InlineData("123456789e-20", "1.23456789e-12")]
    [InlineData("1e-100", "1e-100")]
    [InlineData("12345678901234567891", "12345678901234567000")]
    [InlineData("9007199254740993", "9007199254740992")]
    [InlineData("5e-324", "5e-324")]
    [InlineData("1.7976931348623157e308", "1.7976931348623157e+308")]
    [InlineData("2.5E+3", "2500")]
    public void Numbers_become_float64_printed_as_encoding_json_prints_them(string input, string expected) =>
        Assert.Equal(expected, Reencode(input));

    [Fact]
    public void A_number_beyond_float64_fails_the_decode_as_in_go()
    {
        Assert.False(GoJsonReencoder.TryReencode("{\"n\":1e400}"u8, out _, out var error));
        Assert.Contains("1e400", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"<a href='x'>&</a>\"", "\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\"")]
    [InlineData("\"\\u2028\\u2029\"", "\"\\u2028\\u2029\"")]
    [InlineData("\"\\b\\f\\n\\r\\t\"", "\"\\b\\f\\n\\r\\t\"")]
    [InlineData("\"\\u0001\\u001f\"", "\"\\u0001\\u001f\"")]
    [InlineData("\"\\u00e9\\u007f/\\\"\\\\\"", "\"é\u007f/\\\"\\\\\"")]
    [InlineData("\"\\ud83d\\ude00\"", "\"😀\"")]
    public void Strings_are_escaped_with_html_escaping_and_otherwise_written_as_utf8(string input, string expected) =>
        Assert.Equal(expected, Reencode(input));

    [Fact]
    public void Objects_lose_whitespace_and_duplicates_and_their_keys_are_sorted_by_utf8_bytes()
    {
        Assert.Equal("""{"B":true,"a":{"c":null,"d":[1,2.5,"x"]},"b":1}""", Reencode("""{ "b": 1, "a": { "d": [1, 2.50, "x"], "c": null }, "B": true }"""));
        Assert.Equal("""{"a":2}""", Reencode("""{"a":1,"a":2}"""));
        // UTF-16 order would put U+1F600 (a surrogate pair) first; Go compares UTF-8 bytes: EE.. < F0..
        Assert.Equal("{\"\uE000\":2,\"😀\":1}", Reencode("{\"😀\":1,\"\uE000\":2}"));
        Assert.Equal("""{"empty":{},"list":[]}""", Reencode("""{"list":[],"empty":{}}"""));
    }
}
