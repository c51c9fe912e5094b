namespace LogDapr.TestSupport;

/// <summary>
/// Polls a condition until it holds. The timeout only bounds the waiting: it asserts nothing about speed, so it is
/// generous; the poll interval is short so a test goes on as soon as the condition holds.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>Fails with <paramref name="describe"/>'s account of the last state, computed only on timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> describe, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        var patience = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + patience;
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {patience} waiting for: {describe()}");
            }

            await Task.Delay(poll ?? DefaultPoll).ConfigureAwait(false);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, TimeSpan? poll = null) =>
        TrueAsync(condition, () => what, timeout, poll);

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null, TimeSpan? poll = null) =>
        TrueAsync(() => Task.FromResult(condition()), () => what, timeout, poll);
}
