using System.Text;
using CsCheck;
using LogDapr.DevSidecar.PubSub.GoJson;

namespace LogDapr.DevSidecar.Tests.Unit;

/// <summary>
/// The re-encoder copies what needs no decoding (plain keys and strings, short integers) straight from the input bytes.
/// That must never change what an app receives: on random documents, with and without escapes, duplicate keys, HTML
/// characters, line separators, any number and broken UTF-8, the fast paths give the general path's answer byte for byte.
/// </summary>
public class GoJsonReencoderPropertyTests
{
    // Characters that each exercise a rule: HTML escapes, U+2028/9 (E2 80 A8/9), other E2 characters (U+20AC), quotes,
    // backslashes, controls, non-ASCII, and a surrogate pair.
    private static readonly Gen<string> Piece = Gen.OneOf<string>(
        "a", "b", "B", "key", "<", ">", "&", "\u2028", "\u2029", "\u20ac", "\u2000", "\"", "\\", "\n", "\u0001", "é", "\uE000", "😀", "\ud800", " ", "/");

    private static readonly Gen<string> Text = Piece.Array[0, 6].Select(parts => string.Concat(parts));

    /// <summary>A JSON string literal: characters written raw where JSON allows it, else (or at random) escaped.</summary>
    private static readonly Gen<string> StringLiteral = Gen.Select(Text, Gen.Bool, (text, escapeAll) =>
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\' or < ' ' || (escapeAll && c > '~'))
            {
                sb.Append(c is '"' ? "\\\"" : c is '\\' ? "\\\\" : $"\\u{(int)c:x4}");
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.Append('"').ToString();
    });

    private static readonly Gen<string> NumberLiteral = Gen.OneOf(
        Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Int[-1000, 1000].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.OneOf<string>("0", "-0", "0.0", "1.50", "1e2", "2.5E+3", "1e21", "-1.25e-7", "999999999999999", "9999999999999999", "-999999999999999",
            "9007199254740993", "123456789012345678901234567890", "5e-324", "1e400"),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "1"));

    private static Gen<string> Value(int depth) => depth == 0
        ? Gen.OneOf(StringLiteral, NumberLiteral, Gen.OneOf<string>("true", "false", "null"))
        : Gen.Frequency(
            (3, Value(0)),
            (1, Value(depth - 1).Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (2, Gen.Select(StringLiteral, Value(depth - 1), (k, v) => k + ":" + v).Array[0, 6]
                .Select(members => "{" + string.Join(",", members) + "}")));

    [Fact]
    public void Fast_paths_write_exactly_what_the_general_path_writes()
    {
        Value(3).Select(Encoding.UTF8.GetBytes).Sample(json =>
        {
            var general = GoJsonReencoder.TryReencode(json, fastPaths: false, out var expected, out var expectedError);
            var fast = GoJsonReencoder.TryReencode(json, fastPaths: true, out var actual, out var actualError);
            Assert.Equal(general, fast);
            Assert.Equal(expectedError, actualError);
            Assert.Equal(Encoding.UTF8.GetString(expected.Span), Encoding.UTF8.GetString(actual.Span));
        }, iter: 5_000);
    }

    [Fact]
    public void Invalid_utf8_in_a_plain_string_or_key_is_refused_on_both_paths()
    {
        byte[][] documents =
        [
            [(byte)'"', (byte)'a', 0xFF, (byte)'b', (byte)'"'],
            [(byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)':', (byte)'1', (byte)'}'],
            [(byte)'[', (byte)'"', 0xE2, 0x80, (byte)'"', (byte)']'],
        ];
        foreach (var json in documents)
        {
            Assert.False(GoJsonReencoder.TryReencode(json, fastPaths: false, out _, out _));
            Assert.False(GoJsonReencoder.TryReencode(json, fastPaths: true, out _, out _));
        }
    }
}
