using LogDapr.Contracts.Events;
using LogDapr.Processing.Expressions;

namespace LogDapr.Processing.Transforms;

/// <summary>
/// The event while it goes through the stages: attributes and message can change, the rest is read from the
/// original. One instance per thread is reused, so processing an event that nothing changes allocates nothing.
/// </summary>
internal sealed class MutableEvent : FieldSource
{
    private readonly List<KeyValuePair<string, string>> attributes = new(LogEventLimits.Default.MaxAttributes + 1);
    private LogEvent original = null!;

    /// <summary>The contract's attribute limit: stages never grow an event beyond it.</summary>
    public static int MaxAttributes { get; } = LogEventLimits.Default.MaxAttributes;

    public LogEvent Original => original;

    public string Message { get; private set; } = "";

    public bool Changed { get; private set; }

    public int Count => attributes.Count;

    public override Severity Severity => original.Severity;

    public void Reset(LogEvent e)
    {
        original = e;
        Message = e.Message;
        Changed = false;
        attributes.Clear();
        var source = e.Attributes;
        for (int i = 0; i < source.Count; i++)
        {
            attributes.Add(source[i]);
        }
    }

    public void Clear()
    {
        original = null!;
        Message = "";
        attributes.Clear();
    }

    public override string? GetField(EventField field) => field == EventField.Message ? Message : Fields.Of(original, field);

    public override string? GetAttribute(string key)
    {
        int i = IndexOf(key);
        return i < 0 ? null : attributes[i].Value;
    }

    public int IndexOf(string key)
    {
        for (int i = 0; i < attributes.Count; i++)
        {
            if (string.Equals(attributes[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    public KeyValuePair<string, string> this[int index] => attributes[index];

    /// <summary>Sets or adds an attribute; false (nothing changed) when it would be one more than <see cref="MaxAttributes"/>.</summary>
    public bool Set(string key, string value, int reserve = 0)
    {
        int i = IndexOf(key);
        if (i >= 0)
        {
            SetValue(i, value);
            return true;
        }
        if (attributes.Count + reserve >= MaxAttributes)
        {
            return false;
        }
        attributes.Add(new KeyValuePair<string, string>(key, value));
        Changed = true;
        return true;
    }

    /// <summary>Adds an attribute the event does not have yet (the caller checked); false when the event is full.</summary>
    public bool Add(string key, string value, int reserve)
    {
        if (attributes.Count + reserve >= MaxAttributes)
        {
            return false;
        }
        attributes.Add(new KeyValuePair<string, string>(key, value));
        Changed = true;
        return true;
    }

    public void SetValue(int index, string value)
    {
        if (!string.Equals(attributes[index].Value, value, StringComparison.Ordinal))
        {
            attributes[index] = new KeyValuePair<string, string>(attributes[index].Key, value);
            Changed = true;
        }
    }

    public void SetKey(int index, string key)
    {
        attributes[index] = new KeyValuePair<string, string>(key, attributes[index].Value);
        Changed = true;
    }

    public void RemoveAt(int index)
    {
        attributes.RemoveAt(index);
        Changed = true;
    }

    public void SetMessage(string message)
    {
        if (!ReferenceEquals(message, Message) && !string.Equals(message, Message, StringComparison.Ordinal))
        {
            Message = message;
            Changed = true;
        }
    }

    /// <summary>The original instance when nothing changed, else a new event with the changes.</summary>
    public LogEvent Build()
    {
        if (!Changed)
        {
            return original;
        }
        return new LogEvent
        {
            Id = original.Id,
            TenantId = original.TenantId,
            Timestamp = original.Timestamp,
            Severity = original.Severity,
            Service = original.Service,
            Message = Message,
            Attributes = attributes.ToArray(),
            TraceId = original.TraceId,
            SpanId = original.SpanId,
            Host = original.Host,
            IdGenerated = original.IdGenerated,
        };
    }
}
