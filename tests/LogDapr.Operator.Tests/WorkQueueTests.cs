using LogDapr.Operator.Controller;

namespace LogDapr.Operator.Tests;

public sealed class WorkQueueTests
{
    [Fact]
    public async Task Adds_of_a_waiting_key_coalesce()
    {
        using var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");
        Assert.Equal(2, queue.Count);
        var (_, first) = await queue.GetAsync(CancellationToken.None);
        var (_, second) = await queue.GetAsync(CancellationToken.None);
        Assert.Equal(["a", "b"], new[] { first, second });
    }

    [Fact]
    public async Task A_key_is_never_handed_out_twice_at_once_and_is_requeued_after_Done()
    {
        using var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        queue.Add("a");
        var (_, key) = await queue.GetAsync(CancellationToken.None);
        queue.Add("a"); // an event while "a" is being reconciled
        Assert.Equal(0, queue.Count);
        using var shortWait = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var (ok, _) = await queue.GetAsync(shortWait.Token);
        Assert.False(ok);

        queue.Done(key);
        var (again, sameKey) = await queue.GetAsync(CancellationToken.None);
        Assert.True(again);
        Assert.Equal("a", sameKey);
    }

    [Fact]
    public void Backoff_is_exponential_and_capped()
    {
        using var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.Backoff(0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), queue.Backoff(1));
        Assert.Equal(TimeSpan.FromMilliseconds(1600), queue.Backoff(4));
        Assert.Equal(TimeSpan.FromSeconds(5), queue.Backoff(10));
        Assert.Equal(TimeSpan.FromSeconds(5), queue.Backoff(1000));

        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.AddRateLimited("k"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), queue.AddRateLimited("k"));
        queue.Forget("k");
        Assert.Equal(0, queue.Failures("k"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), queue.AddRateLimited("k"));
    }

    [Fact]
    public async Task AddAfter_delivers_later_and_the_earliest_pending_time_wins()
    {
        using var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        queue.AddAfter("a", TimeSpan.FromSeconds(30));
        queue.AddAfter("a", TimeSpan.FromMilliseconds(50));
        Assert.Equal(0, queue.Count);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var (ok, key) = await queue.GetAsync(timeout.Token);
        Assert.True(ok);
        Assert.Equal("a", key);
    }

    [Fact]
    public async Task ShutDown_releases_waiting_workers()
    {
        using var queue = new WorkQueue<string>(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        var waiting = queue.GetAsync(CancellationToken.None);
        queue.ShutDown();
        var (ok, _) = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(ok);
        queue.Add("ignored");
        Assert.Equal(0, queue.Count);
    }
}
