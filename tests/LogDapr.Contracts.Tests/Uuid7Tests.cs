using LogDapr.Contracts.Events;

namespace LogDapr.Contracts.Tests;

/// <summary>The ids ingest gives events and messages that have none: RFC 9562 version 7, unique, ordered by time.</summary>
public sealed class Uuid7Tests
{
    [Fact]
    public void An_id_is_version_7_with_the_RFC_variant_and_the_time_in_its_first_48_bits()
    {
        var time = new DateTimeOffset(2026, 11, 28, 22, 0, 0, 123, TimeSpan.Zero);
        var id = Uuid7.New(time);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.Variant >> 2);
        var text = id.ToString("N");
        Assert.Equal(time.ToUnixTimeMilliseconds(), Convert.ToInt64(text[..12], 16));
    }

    [Fact]
    public void Ids_are_unique_across_threads_and_buffer_refills_and_sort_by_millisecond()
    {
        var time = DateTimeOffset.UtcNow;
        var ids = new System.Collections.Concurrent.ConcurrentBag<Guid>();
        Parallel.For(0, 4, _ =>
        {
            for (var i = 0; i < 50_000; i++)
            {
                ids.Add(Uuid7.New(time));
            }
        });

        Assert.Equal(200_000, ids.Distinct().Count());
        // 74 random bits per id: no two ids of one millisecond may share them.
        Assert.Equal(200_000, ids.Select(g => g.ToString("N")[13..]).Distinct().Count());
        Assert.True(string.CompareOrdinal(Uuid7.New(time).ToString(), Uuid7.New(time.AddMilliseconds(1)).ToString()) < 0);
    }

    [Fact]
    public void A_time_before_1970_is_taken_as_the_epoch()
        => Assert.StartsWith("00000000-0000-7", Uuid7.New(DateTimeOffset.UnixEpoch.AddDays(-1)).ToString(), StringComparison.Ordinal);
}
