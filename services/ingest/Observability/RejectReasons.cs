namespace LogDapr.Ingest.Observability;

/// <summary>Values of the <c>reason</c> label of logdapr.ingest.events.rejected: why an event was not accepted.</summary>
public static class RejectReasons
{
    /// <summary>The event failed LogEvent v1 validation.</summary>
    public const string Invalid = "invalid";

    /// <summary>The API key may not write the event's tenant.</summary>
    public const string ForbiddenTenant = "forbidden_tenant";

    /// <summary>The sidecar did not confirm the publish of the event's request within the bound (503; it may still have reached the broker).</summary>
    public const string Unpublished = "unpublished";
}
