namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>What one delivery attempt of one message came to, in daprd v1.16's terms.</summary>
public enum DeliveryOutcome
{
    Success,

    /// <summary>RETRY, an unknown status, a non-2xx other than 404, a timeout or a broken answer: a failed attempt.</summary>
    Retry,

    /// <summary>DROP: not retried; dead-lettered when the subscription has a dead-letter topic, else acknowledged.</summary>
    Drop,

    /// <summary>HTTP 404: v1.16 acknowledges the message without dead-lettering it (single and bulk).</summary>
    NotFound,

    /// <summary>The app was not reached (connection refused/reset, or unhealthy): a failed attempt like Retry.</summary>
    Unreachable,
}
