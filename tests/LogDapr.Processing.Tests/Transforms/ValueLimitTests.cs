using System.Text;
using CsCheck;
using LogDapr.Processing.Transforms;

namespace LogDapr.Processing.Tests.Transforms;

public sealed class ValueLimitTests
{
    [Theory]
    [InlineData("abcdef", 4, "abcd")]
    [InlineData("aé", 2, "a")]
    [InlineData("a€b", 3, "a")]
    [InlineData("a😀b", 4, "a")]
    [InlineData("a😀b", 5, "a😀")]
    [InlineData("abc", 3, "abc")]
    public void Cuts_at_a_character_boundary(string value, int max, string expected)
    {
        Assert.Equal(expected, ValueLimit.Cut(value, max));
    }

    [Fact]
    public void A_value_that_fits_is_the_same_instance()
    {
        string value = "fits";
        Assert.Same(value, ValueLimit.Cut(value, 16));
    }

    [Fact]
    public void The_cut_is_the_longest_whole_character_prefix_within_the_bound()
    {
        Gen.String[Gen.Char, 0, 200].Select(Gen.Int[1, 300]).Sample((value, max) =>
        {
            string cut = ValueLimit.Cut(value, max);
            int bytes = Encoding.UTF8.GetByteCount(cut);
            bool fits = Encoding.UTF8.GetByteCount(value) <= max;
            bool splitsPair = cut.Length > 0 && char.IsHighSurrogate(cut[^1]) && cut.Length < value.Length && char.IsLowSurrogate(value[cut.Length]);
            return value.StartsWith(cut, StringComparison.Ordinal)
                && bytes <= max
                && (fits ? cut == value : Encoding.UTF8.GetByteCount(value[..Math.Min(value.Length, cut.Length + (char.IsHighSurrogate(value[cut.Length]) && cut.Length + 1 < value.Length && char.IsLowSurrogate(value[cut.Length + 1]) ? 2 : 1))]) > max)
                && !splitsPair;
        }, iter: 5_000);
    }
}
