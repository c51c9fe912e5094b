using System.Buffers;
using System.Text;

namespace LogDapr.Aggregator.Sink;

/// <summary>
/// The binding's <c>params</c> when a statement takes one JSON document as its only parameter: <c>["&lt;document&gt;"]</c>,
/// the document's UTF-8 JSON escaped straight into the one string the binding receives. Going through a .NET string
/// and a JSON writer instead costs the document three more times over, plus a pooled buffer six times its length for
/// the escaping, which the shared pool then keeps: megabytes per delivery on the large object heap.
/// </summary>
public static class DocumentParams
{
    private static readonly SearchValues<byte> NeedEscaping = SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    /// <summary><c>["&lt;document&gt;"]</c> for a document given whole.</summary>
    public static string Of(ReadOnlyMemory<byte> utf8Json)
        => string.Create(EscapedLength(utf8Json.Span) + 4, utf8Json, static (chars, json) =>
        {
            "[\"".CopyTo(chars);
            var written = 2 + WriteEscaped(json.Span, chars[2..]);
            "\"]".CopyTo(chars[written..]);
        });

    /// <summary><c>["[e1,e2,…]"]</c>: the document is a JSON array of the given elements, each one JSON value.</summary>
    public static string OfArray(IReadOnlyList<byte[]> elements)
    {
        var length = 6 + Math.Max(0, elements.Count - 1);
        foreach (var element in elements)
        {
            length += EscapedLength(element);
        }

        return string.Create(length, elements, static (chars, elements) =>
        {
            "[\"[".CopyTo(chars);
            var written = 3;
            for (var i = 0; i < elements.Count; i++)
            {
                if (i > 0)
                {
                    chars[written++] = ',';
                }

                written += WriteEscaped(elements[i], chars[written..]);
            }

            "]\"]".CopyTo(chars[written..]);
        });
    }

    /// <summary>Characters the UTF-8 text takes inside a JSON string.</summary>
    private static int EscapedLength(ReadOnlySpan<byte> utf8)
    {
        var length = Encoding.UTF8.GetCharCount(utf8);
        for (var at = utf8.IndexOfAny(NeedEscaping); at >= 0;)
        {
            length += utf8[at] is (byte)'"' or (byte)'\\' ? 1 : 5;
            var next = utf8[(at + 1)..].IndexOfAny(NeedEscaping);
            at = next < 0 ? -1 : at + 1 + next;
        }

        return length;
    }

    /// <summary>
    /// Writes the text escaped for a JSON string: quote and backslash get a backslash, control characters their
    /// <c>\u00XX</c> form, everything else as it is (a JSON string may hold any other character unescaped).
    /// </summary>
    private static int WriteEscaped(ReadOnlySpan<byte> utf8, Span<char> destination)
    {
        var written = 0;
        while (!utf8.IsEmpty)
        {
            // The bytes escaped are all ASCII, so a run between them never splits a multi-byte character.
            var at = utf8.IndexOfAny(NeedEscaping);
            var run = at < 0 ? utf8 : utf8[..at];
            written += Encoding.UTF8.GetChars(run, destination[written..]);
            if (at < 0)
            {
                break;
            }

            var escaped = utf8[at];
            destination[written++] = '\\';
            if (escaped is (byte)'"' or (byte)'\\')
            {
                destination[written++] = (char)escaped;
            }
            else
            {
                destination[written++] = 'u';
                destination[written++] = '0';
                destination[written++] = '0';
                destination[written++] = "0123456789abcdef"[escaped >> 4];
                destination[written++] = "0123456789abcdef"[escaped & 0xf];
            }

            utf8 = utf8[(at + 1)..];
        }

        return written;
    }
}
