using LogDapr.Operator.Kubernetes;
using LogDapr.Operator.LeaderElection;
using LogDapr.Operator.Permissions;
using LogDapr.Operator.Tests.Support;
using LogDapr.Operator.Tests.Support.Fakes;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogDapr.Operator.Tests;

/// <summary>
/// Two operator replicas, each with its own KubernetesClient, elect a leader through a coordination.k8s.io Lease
/// held in the API double (k8s.LeaderElection's LeaseLock, over HTTP). Reconciling is only ever done by one.
/// </summary>
public sealed class LeaderElectionTests
{
    private sealed class Replica : IDisposable
    {
        public Replica(FakeApiServer server, string identity, Terms terms, TimeSpan? leaseDuration = null)
        {
            Identity = identity;
            Handler = new ApiServerHttpHandler(server, "system:serviceaccount:ops:logdapr-" + identity);
            Client = new k8s.Kubernetes(ApiServerHttpHandler.Configuration, Handler);
            Runner = new LeaderElectedRunner(
                Client,
                new LeaderElectionSettings
                {
                    LeaseName = "logdapr-operator",
                    LeaseNamespace = "ops",
                    Identity = identity,
                    LeaseDuration = leaseDuration ?? TimeSpan.FromSeconds(6),
                    RenewDeadline = TimeSpan.FromSeconds(4),
                    RetryPeriod = TimeSpan.FromMilliseconds(500),
                },
                NullLogger<LeaderElectedRunner>.Instance);
            Terms = terms;
        }

        public string Identity { get; }

        public ApiServerHttpHandler Handler { get; }

        public k8s.Kubernetes Client { get; }

        public LeaderElectedRunner Runner { get; }

        public Terms Terms { get; }

        public Task<bool> RunAsync(CancellationToken cancellationToken) => Runner.RunAsync(ct => Terms.LeadAsync(Identity, ct), cancellationToken);

        public void Dispose() => Client.Dispose();
    }

    /// <summary>Records who "reconciles" when; the work counts how many run at once.</summary>
    private sealed class Terms
    {
        private int active;

        public int MaxConcurrent;

        public List<string> Leaders { get; } = [];

        public string? Current { get; private set; }

        public async Task LeadAsync(string identity, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref active);
            InterlockedMax(ref MaxConcurrent, now);
            lock (Leaders)
            {
                Leaders.Add(identity);
                Current = identity;
            }
            try
            {
                // Reconcile loop stand-in: keeps checking that nobody else is in here.
                while (!cancellationToken.IsCancellationRequested)
                {
                    InterlockedMax(ref MaxConcurrent, Volatile.Read(ref active));
                    await Task.Delay(10, CancellationToken.None);
                }
            }
            finally
            {
                lock (Leaders)
                {
                    if (Current == identity)
                    {
                        Current = null;
                    }
                }
                Interlocked.Decrement(ref active);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }

    [Fact]
    public async Task Two_leaders_never_reconcile_at_once_and_the_standby_takes_over()
    {
        var server = new FakeApiServer();
        var terms = new Terms();
        using var a = new Replica(server, "replica-a", terms);
        using var b = new Replica(server, "replica-b", terms);
        using var stop = new CancellationTokenSource();

        var runA = a.RunAsync(stop.Token);
        var runB = b.RunAsync(stop.Token);

        await Eventually.TrueAsync(() => terms.Current is not null, "a first leader");
        var first = terms.Current!;
        // Both keep competing for a while; the lease holds.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(first, terms.Current);
        Assert.Single(terms.Leaders);
        var lease = server.Get(KnownResources.Leases, "ops", "logdapr-operator");
        Assert.Equal(first, lease["spec"].GetString("holderIdentity"));

        // The leader is cut off from the API server: it must stop before the other one starts.
        var (leader, standby, leaderRun) = first == a.Identity ? (a, b, runA) : (b, a, runB);
        leader.Handler.Reachable = false;
        Assert.True(await leaderRun.WaitAsync(TimeSpan.FromSeconds(10)), "the partitioned leader should report lost leadership");
        await Eventually.TrueAsync(() => terms.Current == standby.Identity, "the standby to take over", TimeSpan.FromSeconds(15));
        Assert.Equal(standby.Identity, server.Get(KnownResources.Leases, "ops", "logdapr-operator")["spec"].GetString("holderIdentity"));

        await stop.CancelAsync();
        await (first == a.Identity ? runB : runA).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, terms.MaxConcurrent);
        Assert.Equal([first, standby.Identity], terms.Leaders);

        // The lease lock needs exactly the leader-election rules.
        var used = server.Audit.Where(x => x.Resource == "leases").Select(x => x.Verb).ToHashSet();
        Assert.Equal(OperatorPermissions.LeaderElectionRules.Single().Verbs.ToHashSet(), used);
    }

    [Fact]
    public async Task A_leader_stopped_gracefully_releases_its_lease_and_the_standby_takes_over_without_waiting_for_it_to_expire()
    {
        // A lease far longer than the wait below: only a released lease lets the standby in within it.
        var leaseDuration = TimeSpan.FromSeconds(120);
        var server = new FakeApiServer();
        var terms = new Terms();
        using var a = new Replica(server, "replica-a", terms, leaseDuration);
        using var b = new Replica(server, "replica-b", terms, leaseDuration);
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var runA = a.RunAsync(stopA.Token);
        await Eventually.TrueAsync(() => terms.Current == a.Identity, "replica-a to lead");
        var runB = b.RunAsync(stopB.Token);

        await stopA.CancelAsync();
        Assert.False(await runA.WaitAsync(TimeSpan.FromSeconds(10)), "a requested stop is not a lost leadership");

        await Eventually.TrueAsync(() => terms.Current == b.Identity, "the standby to take over the released lease", TimeSpan.FromSeconds(30));
        Assert.Equal(b.Identity, server.Get(KnownResources.Leases, "ops", "logdapr-operator")["spec"].GetString("holderIdentity"));
        Assert.Equal(1, terms.MaxConcurrent);

        // What the release wrote (client-go's ReleaseOnCancel): no holder, a one-second duration.
        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(10));
        var released = server.Get(KnownResources.Leases, "ops", "logdapr-operator")["spec"]!;
        Assert.Equal("", released.GetString("holderIdentity") ?? "");
        Assert.Equal(1, released.GetLong("leaseDurationSeconds"));
    }
}
