using System.Collections.Frozen;
using LogDapr.Contracts.Events;
using LogDapr.Processing.Enrichment;
using LogDapr.Processing.Redaction;
using LogDapr.Processing.Rules;
using LogDapr.Processing.Transforms;

namespace LogDapr.Processing;

/// <summary>
/// Applies a rule set to events: enrichment -> transforms (in order) -> redaction -> allow-list -> limits (mapping
/// happens earlier, in the reader). Built once from the rules, everything compiled; thread-safe. The same input
/// always gives the same output, and an event nothing changed comes back as the same instance.
/// </summary>
public sealed class EventProcessor
{
    [ThreadStatic]
    private static MutableEvent? scratch;

    private readonly Enricher enricher;
    private readonly Transform[] transforms;
    private readonly Redactor? redactor;
    private readonly bool redactMessage;
    private readonly bool redactAllAttributes;
    private readonly FrozenSet<string> redactedAttributes;
    private readonly bool dropRedactedAttributes;
    private readonly FrozenSet<string>? allowedAttributes;
    private readonly int maxAttributeValueBytes;

    private EventProcessor(ProcessingRules rules, Redactor? redactor)
    {
        Version = rules.Version;
        enricher = new Enricher(rules.Enrichment.Hosts, rules.Enrichment.Services);
        transforms = new Transform[rules.Transforms.Count];
        for (int i = 0; i < transforms.Length; i++)
        {
            transforms[i] = Transform.Compile(rules.Transforms[i]);
        }
        this.redactor = redactor;
        var redaction = rules.Redaction;
        redactMessage = redaction?.Message ?? false;
        redactAllAttributes = redaction is not null && redaction.Attributes.Contains("*");
        redactedAttributes = redaction is null ? FrozenSet<string>.Empty : redaction.Attributes.ToFrozenSet(StringComparer.Ordinal);
        dropRedactedAttributes = redaction?.Mode == RedactionMode.Drop;
        allowedAttributes = redaction is { AllowAttributes.Count: > 0 } ? redaction.AllowAttributes.ToFrozenSet(StringComparer.Ordinal) : null;
        maxAttributeValueBytes = rules.Limits.MaxAttributeValueBytes ?? 0;
    }

    /// <summary>The rule set's version (CloudEvent extension <c>logdaprrules</c>).</summary>
    public string Version { get; }

    /// <summary>Whether <see cref="Process"/> uses metadata: if not, the host can pass <see cref="MetadataSnapshot.Empty"/>.</summary>
    public bool NeedsEnrichment => enricher.Enabled;

    /// <exception cref="ProcessingSetupException">The rules cannot run with these secrets (hash mode without a key).</exception>
    public static EventProcessor Create(ProcessingRules rules, ProcessingSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(secrets);
        var redactor = rules.Redaction is { } redaction ? Redactor.Create(redaction, secrets.HashKey) : null;
        return new EventProcessor(rules, redactor);
    }

    /// <summary>Adds the metadata keys enrichment would look up for <paramref name="e"/>.</summary>
    public void CollectMetadataKeys(LogEvent e, ISet<MetadataKey> keys)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(keys);
        enricher.Collect(e, keys);
    }

    /// <summary>The processed event, or null when a transform dropped it or sampled it out.</summary>
    public LogEvent? Process(LogEvent e, MetadataSnapshot metadata, ProcessingCounters counters)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(counters);
        counters.EventsIn++;
        var draft = scratch ??= new MutableEvent();
        draft.Reset(e);
        try
        {
            return Run(e, draft, metadata, counters);
        }
        finally
        {
            // The scratch event outlives the call; it must not keep the event (and its values) alive.
            draft.Clear();
        }
    }

    private LogEvent? Run(LogEvent e, MutableEvent draft, MetadataSnapshot metadata, ProcessingCounters counters)
    {
        if (enricher.Enabled)
        {
            enricher.Apply(draft, metadata, counters);
        }
        foreach (var transform in transforms)
        {
            switch (transform.Apply(draft))
            {
                case TransformOutcome.Dropped:
                    counters.EventsDropped++;
                    return null;
                case TransformOutcome.SampledOut:
                    counters.EventsSampledOut++;
                    return null;
                default:
                    break;
            }
        }
        if (redactor is not null)
        {
            Redact(draft, redactor, counters);
        }
        if (allowedAttributes is not null)
        {
            for (int i = draft.Count - 1; i >= 0; i--)
            {
                if (!allowedAttributes.Contains(draft[i].Key))
                {
                    draft.RemoveAt(i);
                }
            }
        }
        if (maxAttributeValueBytes > 0)
        {
            for (int i = 0; i < draft.Count; i++)
            {
                draft.SetValue(i, ValueLimit.Cut(draft[i].Value, maxAttributeValueBytes));
            }
        }
        var result = draft.Build();
        if (!ReferenceEquals(result, e))
        {
            counters.EventsChanged++;
        }
        return result;
    }

    /// <summary>Redacts arbitrary text (poison messages, dead letters, log lines) with the message rules; unchanged without redaction.</summary>
    public string RedactText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return redactor?.RedactText(text) ?? text;
    }

    private void Redact(MutableEvent draft, Redactor redactor, ProcessingCounters counters)
    {
        if (redactMessage)
        {
            draft.SetMessage(redactor.Redact(draft.Message, counters));
        }
        int i = 0;
        while (i < draft.Count)
        {
            var (key, value) = draft[i];
            if ((redactAllAttributes || redactedAttributes.Contains(key)) && !CleanValues.Contains(redactor, value))
            {
                string redacted = redactor.Redact(value, counters);
                if (ReferenceEquals(redacted, value))
                {
                    CleanValues.Add(redactor, value);
                }

                if (!ReferenceEquals(redacted, value))
                {
                    if (dropRedactedAttributes)
                    {
                        draft.RemoveAt(i);
                        continue;
                    }
                    draft.SetValue(i, redacted);
                }
            }
            i++;
        }
    }
}
