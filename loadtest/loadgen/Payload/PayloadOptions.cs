namespace LogDapr.LoadGen.Payload;

/// <summary>What the generated requests look like.</summary>
public sealed record PayloadOptions
{
    /// <summary>1 sends one event object per request; more sends a JSON array.</summary>
    public int EventsPerRequest { get; init; } = 1;

    /// <summary>Tenants of the run; each request belongs to one of them, in rotation.</summary>
    public int Tenants { get; init; } = 4;

    /// <summary>Share of events (0..1) made invalid on purpose; ingest must reject exactly those.</summary>
    public double InvalidShare { get; init; }

    /// <summary>Approximate size of one valid event's JSON; the message is padded to reach it.</summary>
    public int EventBytes { get; init; } = 200;

    /// <summary>
    /// Prefix of the run's tenant ids. Unique per run so the counts the metrics API reports for them are this run's
    /// alone, even on a shared pipeline.
    /// </summary>
    public string TenantPrefix { get; init; } = NewTenantPrefix();

    /// <summary>Distinct request bodies per tenant; requests cycle through them (only the timestamps change).</summary>
    public int TemplatesPerTenant { get; init; } = 8;

    public int Seed { get; init; } = 20261122;

    public string TenantId(int tenant) => $"{TenantPrefix}-t{tenant}";

    public static string NewTenantPrefix() => "lt-" + Guid.NewGuid().ToString("N")[..10];

    public void Validate()
    {
        if (EventsPerRequest < 1)
        {
            throw new ArgumentException("events per request must be at least 1");
        }

        if (Tenants < 1)
        {
            throw new ArgumentException("there must be at least one tenant");
        }

        if (InvalidShare is < 0 or > 1 || double.IsNaN(InvalidShare))
        {
            throw new ArgumentException("the invalid share is a fraction between 0 and 1");
        }

        if (TemplatesPerTenant < 1)
        {
            throw new ArgumentException("at least one template per tenant is needed");
        }
    }
}
