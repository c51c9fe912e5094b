namespace LogDapr.Processing.Redaction;

/// <summary>
/// Attribute values a redactor found nothing in, remembered by reference for the current thread. Many events share
/// value instances: the enrichment attributes of one host or service are the same strings on every event, and the
/// reader reuses repeated values. Scanning them once per thread instead of once per event is most of what redacting
/// all attributes costs. By reference only, so a lookup never reads the text; only clean values, so the redaction
/// counters stay exact; bounded, and dropped when the rules (the redactor) change.
/// </summary>
internal static class CleanValues
{
    private const int MaxEntries = 1024;

    [ThreadStatic]
    private static HashSet<string>? values;

    [ThreadStatic]
    private static Redactor? owner;

    public static bool Contains(Redactor redactor, string value)
        => ReferenceEquals(owner, redactor) && values is { } set && set.Contains(value);

    public static void Add(Redactor redactor, string value)
    {
        var set = values ??= new HashSet<string>(ReferenceEqualityComparer.Instance);
        if (!ReferenceEquals(owner, redactor) || set.Count >= MaxEntries)
        {
            set.Clear();
            owner = redactor;
        }

        set.Add(value);
    }
}
