namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>Sidecar-wide delivery knobs (chaos options).</summary>
public sealed record DeliveryOptions(int RedeliverSuccessful, TimeSpan DeliveryDelay);
