namespace LogDapr.DevSidecar.PubSub;

/// <summary>What one delivery attempt of one message came to.</summary>
public enum DeliveryOutcome
{
    Success,

    /// <summary>RETRY, a non-2xx other than 404, a timeout or a broken response: counts as a failed attempt.</summary>
    Retry,

    /// <summary>DROP or 404: not retried; goes to the dead-letter topic.</summary>
    Drop,

    /// <summary>The app was not there (connection refused/reset): not an attempt; the subscription pauses.</summary>
    Unreachable,
}
