using System.Text;
using System.Text.Json;
using CsCheck;
using LogDapr.Aggregator.Sink;

namespace LogDapr.Aggregator.Tests.Sink;

/// <summary>
/// The binding's params carry the statement's document as one JSON string: whatever the events hold (quotes,
/// backslashes, control characters, any script), the binding must read back exactly the document's text.
/// </summary>
public sealed class DocumentParamsTests
{
    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.String[Gen.Char, 0, 300],
        Gen.String[Gen.Char["\"\\\n\t\u0001\u001féü中😀 {}[],:"], 0, 300]);

    [Fact]
    public void Any_text_reads_back_exactly_as_the_one_parameter()
    {
        Text.Sample(text =>
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            var parameters = JsonDocument.Parse(DocumentParams.Of(utf8)).RootElement;

            Assert.Equal(1, parameters.GetArrayLength());
            Assert.Equal(Encoding.UTF8.GetString(utf8), parameters[0].GetString());
        }, iter: 5_000);
    }

    [Fact]
    public void Elements_read_back_as_one_array_document()
    {
        Text.List[0, 8].Sample(texts =>
        {
            var elements = texts.Select(Encoding.UTF8.GetBytes).ToList();
            var parameters = JsonDocument.Parse(DocumentParams.OfArray(elements)).RootElement;

            var expected = "[" + string.Join(',', elements.Select(Encoding.UTF8.GetString)) + "]";
            Assert.Equal(expected, parameters.EnumerateArray().Single().GetString());
        }, iter: 2_000);
    }
}
