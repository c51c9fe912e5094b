namespace LogDapr.DevSidecar.PubSub.Apps;

/// <summary>Where an app stands from the sidecar's point of view.</summary>
public enum AppState
{
    /// <summary>Not reached yet: subscription discovery is being retried (daprd waits for the app port).</summary>
    Discovering,

    /// <summary>Discovered (and healthy, when health checks are on): subscriptions run.</summary>
    Ready,

    /// <summary>App health checks on and failing: subscriptions stop, deliveries in flight fail at once.</summary>
    Unhealthy,
}
