using CsCheck;
using LogDapr.Processing.Transforms;

namespace LogDapr.Processing.Tests.Transforms;

public sealed class SamplingTests
{
    [Fact]
    public void The_same_id_always_gets_the_same_decision()
    {
        Gen.String.Select(Gen.Double[0, 1]).Sample((id, rate) =>
            Assert.Equal(Sampling.Keep(id, rate), Sampling.Keep(new string(id.AsSpan()), rate)), iter: 5_000);
    }

    [Fact]
    public void The_bucket_is_xxhash64_of_the_utf8_id_modulo_a_million()
    {
        ulong expected = System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes("événement-42")) % 1_000_000;

        Assert.Equal(expected, Sampling.Bucket("événement-42"));
        Assert.Equal(Sampling.Bucket(new string('x', 3000)), System.IO.Hashing.XxHash64.HashToUInt64(System.Text.Encoding.UTF8.GetBytes(new string('x', 3000))) % 1_000_000);
    }

    [Fact]
    public void A_rate_of_a_tenth_keeps_a_tenth_of_random_ids()
    {
        int kept = 0;
        var ids = Gen.Guid.Array[100_000].Single();
        foreach (var id in ids)
        {
            kept += Sampling.Keep(id.ToString(), 0.1) ? 1 : 0;
        }

        Assert.InRange(kept, 9_000, 11_000);
    }

    [Fact]
    public void Rate_zero_keeps_nothing_and_rate_one_keeps_everything()
    {
        Gen.String.Sample(id => Assert.True(!Sampling.Keep(id, 0) && Sampling.Keep(id, 1)), iter: 2_000);
    }

    [Fact]
    public void A_lower_rate_keeps_a_subset_of_a_higher_rate()
    {
        Gen.String.Select(Gen.Double[0, 1], Gen.Double[0, 1]).Sample((id, a, b) =>
            !Sampling.Keep(id, Math.Min(a, b)) || Sampling.Keep(id, Math.Max(a, b)), iter: 5_000);
    }
}
