namespace LogDapr.Operator.Controller;

/// <summary>
/// A work queue with client-go's guarantees: a key waiting in the queue is there once however often it is added
/// (events coalesce); a key is never handed to two workers at once (a key added while being processed is queued
/// again when <see cref="Done"/> is called); failures are retried with capped exponential backoff per key.
/// </summary>
public sealed class WorkQueue<T> : IDisposable
    where T : notnull
{
    private readonly object gate = new();
    private readonly LinkedList<T> queue = new();
    private readonly HashSet<T> dirty = [];
    private readonly HashSet<T> processing = [];
    private readonly Dictionary<T, int> failures = [];
    private readonly Dictionary<T, (ITimer Timer, DateTimeOffset Due)> delayed = [];
    private readonly SemaphoreSlim available = new(0);
    private readonly TimeProvider time;
    private bool shuttingDown;

    public WorkQueue(TimeSpan baseDelay, TimeSpan maxDelay, TimeProvider? time = null)
    {
        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
        this.time = time ?? TimeProvider.System;
    }

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    /// <summary>Keys waiting (not counting delayed or in-flight ones).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return queue.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (gate)
            {
                return shuttingDown;
            }
        }
    }

    public void Add(T key)
    {
        lock (gate)
        {
            if (shuttingDown || !dirty.Add(key))
            {
                return;
            }
            if (processing.Contains(key))
            {
                // Picked up again by Done(); queuing it now would let a second worker run it concurrently.
                return;
            }
            queue.AddLast(key);
        }
        available.Release();
    }

    /// <summary>Adds the key after <paramref name="delay"/>; an earlier pending delayed add wins over a later one.</summary>
    public void AddAfter(T key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (gate)
        {
            if (shuttingDown)
            {
                return;
            }
            var due = time.GetUtcNow() + delay;
            if (delayed.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }
                delayed.Remove(key);
                existing.Timer.Dispose();
            }
            ITimer? timer = null;
            timer = time.CreateTimer(
                _ =>
                {
                    lock (gate)
                    {
                        if (delayed.TryGetValue(key, out var current) && ReferenceEquals(current.Timer, timer))
                        {
                            delayed.Remove(key);
                        }
                    }
                    timer?.Dispose();
                    Add(key);
                },
                null,
                Timeout.InfiniteTimeSpan,
                Timeout.InfiniteTimeSpan);
            delayed[key] = (timer, due);
            // Armed only after it is recorded, so a very short delay cannot fire before the bookkeeping.
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Re-adds a key that failed, after BaseDelay * 2^(failures), capped at MaxDelay.</summary>
    public TimeSpan AddRateLimited(T key)
    {
        TimeSpan delay;
        lock (gate)
        {
            failures.TryGetValue(key, out var count);
            failures[key] = count + 1;
            delay = Backoff(count);
        }
        AddAfter(key, delay);
        return delay;
    }

    public TimeSpan Backoff(int previousFailures)
    {
        var exponent = Math.Min(previousFailures, 30);
        var ticks = BaseDelay.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Clears a key's failure count after it succeeded.</summary>
    public void Forget(T key)
    {
        lock (gate)
        {
            failures.Remove(key);
        }
    }

    public int Failures(T key)
    {
        lock (gate)
        {
            return failures.GetValueOrDefault(key);
        }
    }

    /// <summary>Waits for a key. Returns false when the queue shuts down.</summary>
    public async Task<(bool Ok, T Key)> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await available.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return (false, default!);
            }
            lock (gate)
            {
                if (queue.First is { } first)
                {
                    queue.RemoveFirst();
                    dirty.Remove(first.Value);
                    processing.Add(first.Value);
                    return (true, first.Value);
                }
                if (shuttingDown)
                {
                    available.Release();
                    return (false, default!);
                }
            }
        }
    }

    /// <summary>Marks a key finished; if it was added meanwhile it goes back in the queue.</summary>
    public void Done(T key)
    {
        var requeue = false;
        lock (gate)
        {
            processing.Remove(key);
            if (dirty.Contains(key) && !shuttingDown)
            {
                queue.AddLast(key);
                requeue = true;
            }
        }
        if (requeue)
        {
            available.Release();
        }
    }

    /// <summary>Stops accepting keys and wakes every waiting worker; in-flight keys still finish.</summary>
    public void ShutDown()
    {
        lock (gate)
        {
            shuttingDown = true;
            queue.Clear();
            dirty.Clear();
            foreach (var (timer, _) in delayed.Values)
            {
                timer.Dispose();
            }
            delayed.Clear();
        }
        available.Release(1024);
    }

    public void Dispose()
    {
        ShutDown();
        available.Dispose();
    }
}
