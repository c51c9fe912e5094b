using LogDapr.Contracts.Events;
using LogDapr.Processing.Enrichment;
using LogDapr.Processing.Tests.Support;

namespace LogDapr.Processing.Tests.Transforms;

/// <summary>Each transform, seen through the processor as a user sees it: the event that comes out.</summary>
public sealed class TransformTests
{
    private static LogEvent? Run(string transforms, LogEvent e, ProcessingCounters? counters = null)
    {
        var processor = EventProcessor.Create(RuleText.Parse("transforms:\n" + transforms), ProcessingSecrets.None);
        return processor.Process(e, MetadataSnapshot.Empty, counters ?? new ProcessingCounters());
    }

    private static (string, string)[] Pairs(LogEvent e) => e.Attributes.Select(a => (a.Key, a.Value)).ToArray();

    [Fact]
    public void Rename_moves_the_value_in_place_and_replaces_the_target()
    {
        var e = Events.Make(attributes: [("a", "1"), ("user", "ann"), ("user.name", "old"), ("z", "2")]);

        var result = Run("  - rename: { from: user, to: user.name }", e)!;

        Assert.Equal([("a", "1"), ("user.name", "ann"), ("z", "2")], Pairs(result));
    }

    [Fact]
    public void Rename_of_an_absent_attribute_changes_nothing()
    {
        var e = Events.Make(attributes: [("a", "1")]);

        Assert.Same(e, Run("  - rename: { from: user, to: user.name }", e));
    }

    [Fact]
    public void Copy_duplicates_the_value_and_overwrites_the_target()
    {
        var e = Events.Make(attributes: [("a", "1"), ("b", "old")]);

        Assert.Equal([("a", "1"), ("b", "1")], Pairs(Run("  - copy: { from: a, to: b }", e)!));
        Assert.Equal([("a", "1"), ("c", "1")], Pairs(Run("  - copy: { from: a, to: c }", Events.Make(attributes: [("a", "1")]))!));
    }

    [Fact]
    public void Remove_deletes_each_listed_key()
    {
        var e = Events.Make(attributes: [("password", "x"), ("keep", "1"), ("token", "y")]);

        Assert.Equal([("keep", "1")], Pairs(Run("  - remove: [password, token, absent]", e)!));
    }

    [Fact]
    public void Set_adds_or_replaces_a_constant()
    {
        var e = Events.Make(attributes: [("env", "dev")]);

        Assert.Equal([("env", "prod")], Pairs(Run("  - set: { key: env, value: prod }", e)!));
        Assert.Equal([("env", "dev"), ("team", "core")], Pairs(Run("  - set: { key: team, value: core }", e)!));
    }

    [Fact]
    public void Set_to_the_value_already_there_returns_the_same_instance()
    {
        var e = Events.Make(attributes: [("env", "prod")]);
        var counters = new ProcessingCounters();

        Assert.Same(e, Run("  - set: { key: env, value: prod }", e, counters));
        Assert.Equal(0, counters.EventsChanged);
    }

    [Fact]
    public void A_transform_applies_only_when_its_condition_holds()
    {
        const string rule = "  - set: { key: env, value: prod }\n    when: 'service == \"api\"'";

        Assert.Equal([("env", "prod")], Pairs(Run(rule, Events.Make(service: "api"))!));
        Assert.Empty(Run(rule, Events.Make(service: "web"))!.Attributes);
    }

    [Fact]
    public void Later_conditions_see_what_earlier_transforms_did()
    {
        const string rules = "  - set: { key: env, value: dev }\n  - drop: true\n    when: 'attributes.env == \"dev\"'";

        Assert.Null(Run(rules, Events.Make()));
    }

    [Fact]
    public void Drop_removes_matching_events_and_counts_them()
    {
        const string rule = "  - drop: true\n    when: 'severity <= debug and service startswith \"health\"'";
        var counters = new ProcessingCounters();

        Assert.Null(Run(rule, Events.Make(severity: Severity.Debug, service: "healthcheck"), counters));
        Assert.NotNull(Run(rule, Events.Make(severity: Severity.Info, service: "healthcheck"), counters));
        Assert.NotNull(Run(rule, Events.Make(severity: Severity.Trace, service: "api"), counters));
        Assert.Equal((3, 1, 0), (counters.EventsIn, counters.EventsDropped, counters.EventsSampledOut));
    }

    [Fact]
    public void Sample_keeps_exactly_the_events_whose_id_hash_falls_below_the_rate()
    {
        var counters = new ProcessingCounters();
        int kept = 0;
        for (int i = 0; i < 1000; i++)
        {
            var e = Events.Make(id: $"evt-{i}");
            bool expected = Processing.Transforms.Sampling.Keep(e.Id, 0.3);
            var result = Run("  - sample: { rate: 0.3 }", e, counters);
            Assert.Equal(expected, result is not null);
            kept += result is null ? 0 : 1;
        }
        Assert.Equal(1000 - kept, counters.EventsSampledOut);
        Assert.InRange(kept, 200, 400);
    }

    [Fact]
    public void Sample_with_a_condition_leaves_other_events_alone()
    {
        const string rule = "  - sample: { rate: 0 }\n    when: 'severity == debug'";

        Assert.Null(Run(rule, Events.Make(severity: Severity.Debug)));
        Assert.NotNull(Run(rule, Events.Make(severity: Severity.Info)));
    }

    [Fact]
    public void Set_and_copy_never_grow_an_event_beyond_the_contract_attribute_limit()
    {
        var full = Enumerable.Range(0, LogEventLimits.Default.MaxAttributes).Select(i => ($"k{i}", "v")).ToArray();
        var e = Events.Make(attributes: full);

        Assert.Same(e, Run("  - set: { key: extra, value: x }\n  - copy: { from: k0, to: extra2 }", e));
        Assert.Equal("x", Events.Attributes(Run("  - set: { key: k5, value: x }", e)!)["k5"]);
    }

    [Fact]
    public void Limits_cut_long_values_at_a_character_boundary()
    {
        var processor = EventProcessor.Create(RuleText.Parse("limits: { maxAttributeValueBytes: 16 }"), ProcessingSecrets.None);
        var e = Events.Make(attributes: [("short", "fits"), ("long", "aaaaaaaaaaaaaaa€€"), ("exact", "0123456789abcdef")]);

        var result = processor.Process(e, MetadataSnapshot.Empty, new ProcessingCounters())!;

        Assert.Equal([("short", "fits"), ("long", "aaaaaaaaaaaaaaa"), ("exact", "0123456789abcdef")], Pairs(result));
    }
}
