namespace LogDapr.Observability.Tests.Support;

public static class Eventually
{
    /// <summary>Polls until <paramref name="condition"/> holds; on timeout fails with <paramref name="describe"/>'s account of the last state.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> describe, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout}: {describe()}");
            }

            await Task.Delay(200);
        }
    }
}
