using CsCheck;
using LogDapr.Contracts.Events;
using LogDapr.Processing.Enrichment;
using LogDapr.Processing.Tests.Support;

namespace LogDapr.Processing.Tests;

public sealed class EventProcessorTests
{
    private static readonly MetadataKey Node1 = new(MetadataKind.Host, "node-1");
    private static readonly MetadataKey Api = new(MetadataKind.Service, "api");

    private static EventProcessor Processor(string rules, byte[]? hashKey = null) =>
        EventProcessor.Create(RuleText.Parse(rules), new ProcessingSecrets(hashKey));

    private static MetadataSnapshot Snapshot(
        IEnumerable<(MetadataKey Key, Dictionary<string, string> Attributes)> found,
        params MetadataKey[] unavailable) =>
        new(found.ToDictionary(f => f.Key, f => (IReadOnlyDictionary<string, string>)f.Attributes), unavailable.ToHashSet());

    /// <summary>A fake lookup: answers from fixed rows and reports the keys of a "failing" source as unavailable.</summary>
    private sealed class FakeLookup(Dictionary<MetadataKey, Dictionary<string, string>> rows, HashSet<MetadataKey> failing) : IMetadataLookup
    {
        public ValueTask<MetadataSnapshot> LookupAsync(IReadOnlyCollection<MetadataKey> keys, CancellationToken cancellationToken)
        {
            var found = new Dictionary<MetadataKey, IReadOnlyDictionary<string, string>>();
            var unavailable = new HashSet<MetadataKey>();
            foreach (var key in keys)
            {
                if (failing.Contains(key))
                {
                    unavailable.Add(key);
                }
                else if (rows.TryGetValue(key, out var row))
                {
                    found[key] = row;
                }
            }
            return ValueTask.FromResult(new MetadataSnapshot(found, unavailable));
        }
    }

    private static async Task<(List<LogEvent?> Out, ProcessingCounters Counters)> Deliver(EventProcessor processor, IMetadataLookup lookup, params LogEvent[] batch)
    {
        var keys = new HashSet<MetadataKey>();
        foreach (var e in batch)
        {
            processor.CollectMetadataKeys(e, keys);
        }
        var snapshot = await lookup.LookupAsync(keys, CancellationToken.None);
        var counters = new ProcessingCounters();
        return (batch.Select(e => processor.Process(e, snapshot, counters)).ToList(), counters);
    }

    private static readonly Dictionary<MetadataKey, Dictionary<string, string>> Rows = new()
    {
        [Node1] = new() { ["dc"] = "fra1", ["env"] = "prod" },
        [Api] = new() { ["team"] = "core", ["owner"] = "ann" },
    };

    [Fact]
    public void Values_shared_by_many_events_are_redacted_on_every_event_counted_each_time_and_follow_a_rules_change()
    {
        // One instance per value on every event, as enrichment and the reader hand them out.
        var clean = string.Concat("eu-", "west-1");
        var secret = string.Concat("ops@", "example.com");
        var events = Enumerable.Range(0, 50).Select(i => Events.Make(id: $"e{i}", attributes: [("region", clean), ("owner", secret)])).ToList();
        var emailOnly = Processor("redaction: { presets: [email], attributes: ['*'] }");
        var counters = new ProcessingCounters();

        foreach (var e in events)
        {
            var attributes = Events.Attributes(emailOnly.Process(e, MetadataSnapshot.Empty, counters)!);
            Assert.Same(clean, attributes["region"]);
            Assert.Equal("[REDACTED:email]", attributes["owner"]);
        }

        Assert.Equal(50, counters.Redactions["email"]);

        // New rules that find something in the value the old ones left clean: it is redacted from the first event on.
        var customPattern = Processor("""
            redaction:
              patterns: [{ name: region, regex: 'eu-west-[0-9]' }]
              attributes: ['*']
            """);
        var after = new ProcessingCounters();
        foreach (var e in events.Take(3))
        {
            Assert.Equal("[REDACTED:custom:region]", Events.Attributes(customPattern.Process(e, MetadataSnapshot.Empty, after)!)["region"]);
        }

        Assert.Equal(3, after.Redactions["custom:region"]);
    }

    [Fact]
    public async Task Enrichment_adds_host_and_service_metadata_and_marks_the_event_complete()
    {
        var processor = Processor("enrichment: { hosts: true, services: true }");

        var (output, counters) = await Deliver(processor, new FakeLookup(Rows, []), Events.Make(attributes: [("host.env", "mine")]));

        var e = Assert.Single(output)!;
        Assert.Equal(
            [("host.env", "mine"), ("host.dc", "fra1"), ("service.owner", "ann"), ("service.team", "core"), ("enrichment", "complete")],
            e.Attributes.Select(a => (a.Key, a.Value)));
        Assert.Equal((1, 0, 0, 1), (counters.EnrichmentComplete, counters.EnrichmentPartial, counters.EnrichmentNotNeeded, counters.EventsChanged));
    }

    [Fact]
    public async Task A_key_whose_source_is_unavailable_marks_the_event_partial_and_it_still_flows()
    {
        var processor = Processor("enrichment: { hosts: true, services: true }");

        var (output, counters) = await Deliver(processor, new FakeLookup(Rows, [Api]), Events.Make());

        var attributes = Events.Attributes(Assert.Single(output)!);
        Assert.Equal("partial", attributes["enrichment"]);
        Assert.Equal("fra1", attributes["host.dc"]);
        Assert.False(attributes.ContainsKey("service.team"));
        Assert.Equal((0, 1), (counters.EnrichmentComplete, counters.EnrichmentPartial));
    }

    [Fact]
    public async Task Metadata_that_does_not_exist_is_complete_not_partial()
    {
        var processor = Processor("enrichment: { hosts: true, services: true }");

        var (output, counters) = await Deliver(processor, new FakeLookup([], []), Events.Make());

        Assert.Equal([("enrichment", "complete")], Assert.Single(output)!.Attributes.Select(a => (a.Key, a.Value)));
        Assert.Equal(1, counters.EnrichmentComplete);
    }

    [Fact]
    public async Task An_event_without_a_host_needs_no_host_enrichment()
    {
        var processor = Processor("enrichment: { hosts: true }");
        var e = Events.Make(host: null);

        var (output, counters) = await Deliver(processor, new FakeLookup(Rows, [Node1]), e);

        Assert.Same(e, Assert.Single(output));
        Assert.Equal((0, 0, 1), (counters.EnrichmentComplete, counters.EnrichmentPartial, counters.EnrichmentNotNeeded));
    }

    [Fact]
    public void A_producer_cannot_claim_complete_enrichment()
    {
        var processor = Processor("enrichment: { hosts: true }");

        var e = processor.Process(Events.Make(attributes: [("enrichment", "complete")]), Snapshot([], Node1), new ProcessingCounters())!;

        Assert.Equal("partial", Events.Attributes(e)["enrichment"]);
    }

    [Fact]
    public void Metadata_that_does_not_fit_the_attribute_limit_is_skipped_and_the_event_is_partial()
    {
        var processor = Processor("enrichment: { hosts: true }");
        var attributes = Enumerable.Range(0, LogEventLimits.Default.MaxAttributes - 2).Select(i => ($"k{i}", "v")).ToArray();
        var counters = new ProcessingCounters();

        var e = processor.Process(Events.Make(attributes: attributes), Snapshot([(Node1, Rows[Node1])]), counters)!;

        Assert.Equal(LogEventLimits.Default.MaxAttributes, e.Attributes.Count);
        var map = Events.Attributes(e);
        Assert.Equal("fra1", map["host.dc"]);
        Assert.False(map.ContainsKey("host.env"));
        Assert.Equal("partial", map["enrichment"]);
        Assert.Equal(1, counters.EnrichmentPartial);
    }

    [Fact]
    public void Metadata_keys_are_collected_only_for_what_enrichment_uses()
    {
        var keys = new HashSet<MetadataKey>();

        Processor("enrichment: { hosts: true }").CollectMetadataKeys(Events.Make(), keys);
        Processor("enrichment: { hosts: true }").CollectMetadataKeys(Events.Make(host: null, service: "web"), keys);
        Processor("enrichment: { services: true }").CollectMetadataKeys(Events.Make(service: "web"), keys);
        Processor("transforms: []").CollectMetadataKeys(Events.Make(service: "db"), keys);

        Assert.Equal([Node1, new MetadataKey(MetadataKind.Service, "web")], keys.OrderBy(k => k.Kind));
        Assert.True(Processor("enrichment: { services: true }").NeedsEnrichment);
        Assert.False(Processor("enrichment: { hosts: false }").NeedsEnrichment);
    }

    [Fact]
    public void An_event_nothing_changes_is_the_same_instance_and_is_not_counted_as_changed()
    {
        var processor = Processor("transforms: [ { remove: [absent] } ]\nredaction: { patterns: [ { name: emp, regex: 'EMP-[0-9]{6}' } ] }\nlimits: { maxAttributeValueBytes: 64 }");
        var e = Events.Make(attributes: [("a", "b")]);
        var counters = new ProcessingCounters();

        Assert.Same(e, processor.Process(e, MetadataSnapshot.Empty, counters));
        Assert.Equal((1, 0), (counters.EventsIn, counters.EventsChanged));
    }

    [Fact]
    public void Redaction_masks_the_message_and_chosen_attributes_and_counts_per_kind()
    {
        var processor = Processor("redaction: { patterns: [ { name: employee_id, regex: 'EMP-[0-9]{6}' } ], attributes: [who] }");
        var counters = new ProcessingCounters();

        var e = processor.Process(
            Events.Make(message: "by EMP-123456 and EMP-654321", attributes: [("who", "EMP-000001"), ("other", "EMP-000002")]),
            MetadataSnapshot.Empty,
            counters)!;

        Assert.Equal("by [REDACTED:custom:employee_id] and [REDACTED:custom:employee_id]", e.Message);
        Assert.Equal([("who", "[REDACTED:custom:employee_id]"), ("other", "EMP-000002")], e.Attributes.Select(a => (a.Key, a.Value)));
        Assert.Equal(3, counters.Redactions["custom:employee_id"]);
        Assert.Equal(1, counters.EventsChanged);
    }

    [Fact]
    public void Drop_mode_removes_attributes_that_held_a_match_and_masks_the_message()
    {
        var processor = Processor("redaction: { mode: drop, patterns: [ { name: emp, regex: 'EMP-[0-9]{6}' } ] }");

        var e = processor.Process(Events.Make(message: "EMP-123456", attributes: [("a", "EMP-000001"), ("b", "ok")]), MetadataSnapshot.Empty, new ProcessingCounters())!;

        Assert.Equal("[REDACTED:custom:emp]", e.Message);
        Assert.Equal([("b", "ok")], e.Attributes.Select(a => (a.Key, a.Value)));
    }

    [Fact]
    public void The_allow_list_keeps_only_listed_attributes_after_enrichment_and_transforms()
    {
        var processor = Processor("enrichment: { hosts: true }\ntransforms: [ { copy: { from: secret, to: env } } ]\nredaction: { allowAttributes: [env, host.dc] }");

        var e = processor.Process(Events.Make(attributes: [("secret", "s"), ("x", "1")]), Snapshot([(Node1, Rows[Node1])]), new ProcessingCounters())!;

        Assert.Equal([("env", "s"), ("host.dc", "fra1")], e.Attributes.Select(a => (a.Key, a.Value)).OrderBy(a => a.Key));
    }

    [Fact]
    public void Hash_mode_without_a_key_is_refused_at_setup()
    {
        var rules = RuleText.Parse("redaction: { mode: hash }");

        var error = Assert.Throws<ProcessingSetupException>(() => EventProcessor.Create(rules, ProcessingSecrets.None));

        Assert.Contains("hash", error.Message, StringComparison.Ordinal);
        Assert.Contains("key", error.Message, StringComparison.Ordinal);
        Assert.NotNull(EventProcessor.Create(rules, new ProcessingSecrets(new byte[16])));
    }

    [Fact]
    public void Redact_text_applies_the_message_rules_to_any_text()
    {
        Assert.Equal("raw [REDACTED:custom:emp] body", Processor("redaction: { patterns: [ { name: emp, regex: 'EMP-[0-9]{6}' } ] }").RedactText("raw EMP-123456 body"));
        Assert.Equal("raw EMP-123456 body", Processor("transforms: []").RedactText("raw EMP-123456 body"));
    }

    [Fact]
    public void The_processor_carries_the_rules_version()
    {
        var rules = RuleText.Parse("transforms: [ { drop: true, when: 'severity == trace' } ]");

        Assert.Equal(rules.Version, EventProcessor.Create(rules, ProcessingSecrets.None).Version);
    }

    private const string Realistic = """
        enrichment: { hosts: true, services: true }
        transforms:
          - rename: { from: user, to: user.name }
          - set: { key: env, value: prod }
            when: 'service == "api"'
          - sample: { rate: 0.5 }
            when: 'severity == debug'
          - drop: true
            when: 'attributes.path == "/health"'
        redaction:
          patterns: [ { name: emp, regex: 'EMP-[0-9]{6}' } ]
          mode: hash
        limits: { maxAttributeValueBytes: 32 }
        """;

    private static readonly Gen<LogEvent> AnyEvent =
        Gen.Select(
            Gen.String[Gen.Char.AlphaNumeric, 1, 20],
            Gen.Enum<Severity>(),
            Gen.OneOf<string>("api", "web"),
            Gen.OneOf<string>("hi EMP-123456", "plain", "EMP-999999 " + new string('x', 40)),
            Gen.Select(Gen.OneOf<string>("user", "path", "note", "env", "enrichment"), Gen.OneOf<string>("ann", "/health", "EMP-000001", new string('é', 30))).Array[0, 6])
        .Select((id, severity, service, message, attributes) => Events.Make(
            id: id,
            severity: severity,
            service: service,
            message: message,
            attributes: attributes.DistinctBy(a => a.Item1).ToArray()));

    [Fact]
    public void The_same_input_twice_gives_identical_output()
    {
        var processor = Processor(Realistic, Enumerable.Repeat((byte)9, 16).ToArray());
        var other = Processor(Realistic, Enumerable.Repeat((byte)9, 16).ToArray());
        var snapshot = Snapshot([(Node1, Rows[Node1]), (Api, new Dictionary<string, string> { ["owner"] = "ann", ["team"] = "core" })]);
        var reordered = Snapshot([(Api, new Dictionary<string, string> { ["team"] = "core", ["owner"] = "ann" }), (Node1, Rows[Node1])]);

        AnyEvent.Sample(e =>
        {
            var first = processor.Process(e, snapshot, new ProcessingCounters());
            var second = other.Process(e, reordered, new ProcessingCounters());
            Assert.Equal(first is null, second is null);
            if (first is not null)
            {
                Assert.Equal(Render(first), Render(second!));
            }
        }, iter: 2_000);
    }

    private static string Render(LogEvent e) =>
        string.Join('\n', [e.Id, e.TenantId, e.Timestamp.ToString("O"), e.Severity.ToString(), e.Service, e.Message, e.Host ?? "-", .. e.Attributes.Select(a => a.Key + "=" + a.Value)]);

    [Fact]
    public async Task Processing_is_safe_from_many_threads()
    {
        var processor = Processor(Realistic, Enumerable.Repeat((byte)9, 16).ToArray());
        var snapshot = Snapshot([(Node1, Rows[Node1]), (Api, Rows[Api])]);
        var events = AnyEvent.Array[200].Single();
        var expected = events.Select(e => processor.Process(e, snapshot, new ProcessingCounters()) is { } r ? Render(r) : null).ToArray();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            events.Select(e => processor.Process(e, snapshot, new ProcessingCounters()) is { } r ? Render(r) : null).ToArray())));

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void An_event_that_passes_unchanged_allocates_nothing()
    {
        var processor = Processor("""
            transforms:
              - drop: true
                when: 'severity <= debug and (service in ("health", "probe") or attributes.path matches "^/health")'
              - sample: { rate: 1 }
                when: 'attributes.http.status >= 500 and not (attributes.env == "dev")'
              - set: { key: env, value: prod }
                when: 'attributes["env"] exists and attributes.env != "prod"'
            redaction: { patterns: [ { name: emp, regex: 'EMP-[0-9]{6}' } ] }
            limits: { maxAttributeValueBytes: 4096 }
            """);
        var e = Events.Make(message: "GET /orders took 12ms", attributes: [("http.status", "503"), ("env", "prod"), ("path", "/orders")]);
        var counters = new ProcessingCounters();
        for (int i = 0; i < 100; i++)
        {
            processor.Process(e, MetadataSnapshot.Empty, counters);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            Assert.Same(e, processor.Process(e, MetadataSnapshot.Empty, counters));
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }
}
