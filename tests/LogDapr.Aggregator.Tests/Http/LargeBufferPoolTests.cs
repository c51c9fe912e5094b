using LogDapr.ServiceDefaults.Http;

namespace LogDapr.Aggregator.Tests.Http;

/// <summary>The pool behind delivery bodies over 1 MiB: reuse, so a steady stream of large deliveries stops churning the large object heap, within a total.</summary>
public sealed class LargeBufferPoolTests
{
    private const int MiB = 1024 * 1024;

    [Fact]
    public void A_returned_buffer_serves_the_next_body_of_its_size_class()
    {
        var pool = new LargeBufferPool(64 * MiB);
        var first = pool.Rent((10 * MiB) + 1);
        Assert.Equal(16 * MiB, first.Length);

        pool.Return(first);

        Assert.Same(first, pool.Rent(9 * MiB));
        Assert.Equal(0, pool.RetainedBytes);
    }

    [Fact]
    public void Buffers_beyond_the_retained_total_go_back_to_the_garbage_collector()
    {
        var pool = new LargeBufferPool(20 * MiB);
        var held = new[] { pool.Rent(16 * MiB), pool.Rent(8 * MiB), pool.Rent(4 * MiB) };

        foreach (var buffer in held)
        {
            pool.Return(buffer);
        }

        // 16 fits, 8 would make 24, 4 makes 20.
        Assert.Equal(20 * MiB, pool.RetainedBytes);
        Assert.NotSame(held[1], pool.Rent(8 * MiB));
    }

    [Fact]
    public void Arrays_outside_its_size_classes_are_never_kept()
    {
        var pool = new LargeBufferPool(1024L * MiB);
        var huge = pool.Rent((128 * MiB) + 1);
        Assert.Equal((128 * MiB) + 1, huge.Length);

        pool.Return(huge);
        pool.Return(new byte[3 * MiB]);
        pool.Return(new byte[MiB]);

        Assert.Equal(0, pool.RetainedBytes);
    }
}
