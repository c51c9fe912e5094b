using System.Diagnostics.Metrics;
using Dapr.Client;
using LogDapr.Aggregator.Enrichment;
using LogDapr.Aggregator.Tests.Support;
using LogDapr.Configuration.Enrichment;
using LogDapr.Configuration.Pipeline;
using LogDapr.LocalStack.Processes;
using LogDapr.Processing.Enrichment;
using LogDapr.TestSupport;
using Polly.CircuitBreaker;

namespace LogDapr.Aggregator.Tests.Enrichment;

/// <summary>
/// The lookup against a real Postgres and a real (development) Dapr state store: which tier answers, what is cached,
/// and what happens when a source fails. The clock is fake: TTLs and breaker windows move only when a test says so.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TieredLookupTests(PostgresFixture postgres) : IAsyncLifetime
{
    private static readonly MetadataKey Web1 = new(MetadataKind.Host, "web-1");
    private static readonly MetadataKey Web2 = new(MetadataKind.Host, "web-2");
    private static readonly MetadataKey Api = new(MetadataKind.Service, "api");
    private static readonly MetadataKey Nobody = new(MetadataKind.Service, "nobody");

    private LookupRig rig = null!;

    public async Task InitializeAsync() => rig = await LookupRig.StartAsync(postgres);

    public async Task DisposeAsync() => await rig.DisposeAsync();

    [Fact]
    public async Task A_key_is_answered_by_Postgres_then_by_the_state_store_then_from_memory()
    {
        await rig.InsertAsync("host", "web-1", """{"region":"eu"}""");
        using var meters = new LookupMeters(rig.Meters);
        var first = rig.Lookup();

        var cold = await first.LookupAsync([Web1, Nobody], CancellationToken.None);

        Assert.Equal("eu", cold.Found[Web1]["region"]);
        Assert.False(cold.Found.ContainsKey(Nobody));
        Assert.Empty(cold.Unavailable);
        // Postgres' answer filled the state store, the absence included.
        var filled = await rig.Sidecar.Client.GetStateAsync<MetadataStateEntry>(PipelineDefaults.EnrichmentStateStoreComponent, MetadataStateEntry.Key(Web1));
        Assert.Equal("eu", filled.Attributes!["region"]);
        Assert.False((await rig.Sidecar.Client.GetStateAsync<MetadataStateEntry>(PipelineDefaults.EnrichmentStateStoreComponent, MetadataStateEntry.Key(Nobody))).Found);
        Assert.Equal((2, 2, 1, 1), (meters.Lookups("memory/miss"), meters.Lookups("state_store/miss"), meters.Lookups("postgres/hit"), meters.Lookups("postgres/miss")));

        // A change made around the API reaches neither tier: a fresh process is answered by the state store.
        await rig.InsertAsync("host", "web-1", """{"region":"us"}""");
        var second = rig.Lookup();
        Assert.Equal("eu", (await second.LookupAsync([Web1], CancellationToken.None)).Found[Web1]["region"]);
        Assert.Equal((1, 1), (meters.Lookups("state_store/hit"), meters.Lookups("postgres/hit")));

        // Now the state store changes; the process answers from memory until its TTL has passed.
        await rig.Sidecar.Client.SaveStateAsync(PipelineDefaults.EnrichmentStateStoreComponent, MetadataStateEntry.Key(Web1),
            MetadataStateEntry.For(new Dictionary<string, string> { ["region"] = "ap" }));
        Assert.Equal("eu", (await second.LookupAsync([Web1], CancellationToken.None)).Found[Web1]["region"]);
        Assert.Equal(1, meters.Lookups("memory/hit"));
        rig.Time.Advance(new EnrichmentOptions().CacheTtl);
        Assert.Equal("ap", (await second.LookupAsync([Web1], CancellationToken.None)).Found[Web1]["region"]);
    }

    [Fact]
    public async Task Postgres_down_leaves_uncached_keys_unavailable_opens_the_breaker_at_the_threshold_and_recovers_after_the_break()
    {
        var options = new EnrichmentOptions();
        await rig.InsertAsync("host", "web-1", """{"region":"eu"}""");
        await rig.InsertAsync("host", "web-2", """{"region":"us"}""");
        var lookup = rig.Lookup(options);
        Assert.Contains(Web1, (await lookup.LookupAsync([Web1], CancellationToken.None)).Found.Keys);
        // The successful call leaves the breaker's sampling window, so what follows counts failures only.
        rig.Time.Advance(options.BreakerSamplingDuration);
        using var gauge = new LookupMeters(rig.Meters);

        await rig.StopPostgresAsync();
        for (var call = 1; call <= options.BreakerMinimumThroughput; call++)
        {
            Assert.Equal(CircuitState.Closed, lookup.Postgres.State.CircuitState);
            var partial = await lookup.LookupAsync([Web1, Web2], CancellationToken.None);
            Assert.Equal("eu", partial.Found[Web1]["region"]);
            Assert.Equal([Web2], partial.Unavailable);
        }

        // MinimumThroughput failed calls, a failure ratio of 1 >= FailureRatio: open, and the gauge says 2.
        Assert.Equal(CircuitState.Open, lookup.Postgres.State.CircuitState);
        Assert.Equal(2, gauge.Breaker(LookupTier.Postgres));
        Assert.Equal(0, gauge.Breaker(LookupTier.StateStore));

        // Back, but the break has not passed: still unavailable, answered without asking Postgres.
        await rig.StartPostgresAsync();
        Assert.Equal([Web2], (await lookup.LookupAsync([Web1, Web2], CancellationToken.None)).Unavailable);

        rig.Time.Advance(options.BreakerBreakDuration);
        var recovered = await lookup.LookupAsync([Web1, Web2], CancellationToken.None);
        Assert.Empty(recovered.Unavailable);
        Assert.Equal("us", recovered.Found[Web2]["region"]);
        Assert.Equal(CircuitState.Closed, lookup.Postgres.State.CircuitState);
        Assert.Equal(0, gauge.Breaker(LookupTier.Postgres));
    }

    [Fact]
    public async Task A_stuck_Postgres_is_given_up_after_the_timeout_and_its_keys_are_unavailable()
    {
        await rig.InsertAsync("host", "web-1", """{"region":"eu"}""");
        // Real time here: the timeout itself is what is tested (the answer is asserted, never how long it took).
        var lookup = rig.Lookup(new EnrichmentOptions { PostgresTimeout = TimeSpan.FromMilliseconds(200) }, time: TimeProvider.System);

        MetadataSnapshot answer;
        await using (await rig.LockTableAsync())
        {
            answer = await lookup.LookupAsync([Web1], CancellationToken.None);
        }

        Assert.Equal([Web1], answer.Unavailable);
        Assert.Equal("eu", (await lookup.LookupAsync([Web1], CancellationToken.None)).Found[Web1]["region"]);
    }

    [Fact]
    public async Task At_most_MaxConcurrentCalls_lookups_query_Postgres_at_once_the_others_wait_for_a_slot()
    {
        await rig.InsertAsync("host", "web-1", """{"region":"eu"}""");
        await rig.InsertAsync("host", "web-2", """{"region":"us"}""");
        var lookup = rig.Lookup(new EnrichmentOptions { MaxConcurrentCalls = 1 });
        Task<MetadataSnapshot> first, second;

        await using (await rig.LockTableAsync())
        {
            first = lookup.LookupAsync([Web1], CancellationToken.None).AsTask();
            await Eventually.TrueAsync(async () => await rig.LockWaitersAsync() == 1, "the first lookup's query waits on the locked table");
            second = lookup.LookupAsync([Web2], CancellationToken.None).AsTask();
            await Eventually.TrueAsync(() => Task.FromResult(lookup.Postgres.Queued == 1), "the second lookup waits for the slot");

            Assert.Equal(1, await rig.LockWaitersAsync());
            Assert.False(second.IsCompleted);
        }

        Assert.Equal("eu", (await first).Found[Web1]["region"]);
        Assert.Equal("us", (await second).Found[Web2]["region"]);
    }

    [Fact]
    public async Task A_known_absence_is_cached_and_stays_answered_while_Postgres_is_down()
    {
        var lookup = rig.Lookup();
        Assert.Empty((await lookup.LookupAsync([Nobody], CancellationToken.None)).Found);

        await rig.StopPostgresAsync();
        var answer = await lookup.LookupAsync([Nobody, Api], CancellationToken.None);

        Assert.Empty(answer.Found);
        Assert.Equal([Api], answer.Unavailable);
    }

    [Fact]
    public async Task A_failing_state_store_falls_through_to_Postgres_and_the_answer_is_complete()
    {
        await rig.InsertAsync("host", "web-1", """{"region":"eu"}""");
        await rig.InsertAsync("service", "api", """{"team":"payments"}""");
        var options = new EnrichmentOptions();
        // A sidecar that is not there: every state store call fails (connection refused).
        var lookup = rig.Lookup(options, $"http://127.0.0.1:{FreePorts.Next()}");

        for (var round = 0; round < options.BreakerMinimumThroughput; round++)
        {
            // A key no tier has seen, so every round asks the state store (and fails) before Postgres answers.
            var fresh = new MetadataKey(MetadataKind.Host, $"fresh-{round}");
            var answer = await lookup.LookupAsync([Web1, Api, fresh], CancellationToken.None);
            Assert.Empty(answer.Unavailable);
            Assert.Equal("eu", answer.Found[Web1]["region"]);
            Assert.Equal("payments", answer.Found[Api]["team"]);
            Assert.False(answer.Found.ContainsKey(fresh));
        }

        // Its failures (bulk gets and fills) opened the state store's breaker; Postgres still answers everything.
        Assert.Equal(CircuitState.Open, lookup.StateStore.State.CircuitState);
        Assert.Equal(CircuitState.Closed, lookup.Postgres.State.CircuitState);
        Assert.Empty((await lookup.LookupAsync([Web1, Api, Nobody], CancellationToken.None)).Unavailable);
    }

    [Fact]
    public async Task An_unreachable_state_store_behind_a_working_sidecar_opens_its_breaker_and_Postgres_answers_until_it_is_back()
    {
        var options = new EnrichmentOptions();
        await rig.InsertAsync("host", "web-1", """{"region":"eu"}""");
        var lookup = rig.Lookup(options);
        using var meters = new LookupMeters(rig.Meters);
        // daprd answers a bulk get on a store it cannot reach with success and an error in every item: that must
        // count as the tier failing, not as "no entries".
        await rig.Sidecar.SetOutageAsync(PipelineDefaults.EnrichmentStateStoreComponent, unreachable: true);

        for (var round = 0; round < options.BreakerMinimumThroughput; round++)
        {
            var fresh = new MetadataKey(MetadataKind.Service, $"fresh-{round}");
            var answer = await lookup.LookupAsync([Web1, fresh], CancellationToken.None);
            Assert.Empty(answer.Unavailable);
            Assert.Equal("eu", answer.Found[Web1]["region"]);
        }

        Assert.Equal(CircuitState.Open, lookup.StateStore.State.CircuitState);
        Assert.Equal(2, meters.Breaker(LookupTier.StateStore));
        Assert.True(meters.Lookups("state_store/error") >= options.BreakerMinimumThroughput, "the item errors were not counted as the tier's errors");
        Assert.Equal(0, meters.Lookups("state_store/miss"));

        // Back: after the break a lookup probes it, the breaker closes, and Postgres' answers fill it again.
        await rig.Sidecar.SetOutageAsync(PipelineDefaults.EnrichmentStateStoreComponent, unreachable: false);
        rig.Time.Advance(options.BreakerBreakDuration);
        Assert.Empty((await lookup.LookupAsync([Web2], CancellationToken.None)).Unavailable);
        Assert.Equal(CircuitState.Closed, lookup.StateStore.State.CircuitState);
        var filled = await rig.Sidecar.Client.GetStateAsync<MetadataStateEntry?>(PipelineDefaults.EnrichmentStateStoreComponent, MetadataStateEntry.Key(Web2));
        Assert.False(Assert.IsType<MetadataStateEntry>(filled).Found);
    }

    [Fact]
    public async Task Keys_beyond_the_bound_of_one_lookup_are_unavailable_and_the_rest_answered()
    {
        await rig.InsertAsync("host", "web-1", """{"region":"eu"}""");
        var lookup = rig.Lookup(new EnrichmentOptions { MaxKeysPerLookup = 2 });

        var answer = await lookup.LookupAsync([Web1, Web2, Api], CancellationToken.None);

        Assert.Single(answer.Unavailable);
        Assert.Equal(2, new[] { Web1, Web2, Api }.Count(k => !answer.Unavailable.Contains(k)));
    }

    [Fact]
    public async Task A_name_no_row_can_have_is_answered_absent_without_a_source()
    {
        var lookup = rig.Lookup();
        await rig.StopPostgresAsync();

        var answer = await lookup.LookupAsync([new MetadataKey(MetadataKind.Host, ""), new MetadataKey(MetadataKind.Host, new string('h', 256))], CancellationToken.None);

        Assert.Empty(answer.Found);
        Assert.Empty(answer.Unavailable);
    }

    /// <summary>Reads the instruments of the rig's lookups: the breaker gauge by source, the lookups counter by tier and outcome.</summary>
    private sealed class LookupMeters : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly Dictionary<string, int> gauge = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> lookups = new(StringComparer.Ordinal);

        public LookupMeters(TestMeterFactory meters)
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Name is "logdapr.enrichment.breaker.state" or "logdapr.enrichment.lookups" && meters.Created.Contains(instrument.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.SetMeasurementEventCallback<int>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "source")
                    {
                        gauge[(string)tag.Value!] = value;
                    }
                }
            });
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                string? tier = null, outcome = null;
                foreach (var tag in tags)
                {
                    tier = tag.Key == "tier" ? (string)tag.Value! : tier;
                    outcome = tag.Key == "outcome" ? (string)tag.Value! : outcome;
                }

                lock (lookups)
                {
                    lookups[$"{tier}/{outcome}"] = lookups.GetValueOrDefault($"{tier}/{outcome}") + value;
                }
            });
            listener.Start();
        }

        public int Breaker(string source)
        {
            gauge.Clear();
            listener.RecordObservableInstruments();
            return gauge[source];
        }

        /// <summary>Keys counted so far, e.g. "memory/hit" or "postgres/miss".</summary>
        public long Lookups(string tierAndOutcome)
        {
            lock (lookups)
            {
                return lookups.GetValueOrDefault(tierAndOutcome);
            }
        }

        public void Dispose() => listener.Dispose();
    }
}
