using LogDapr.Configuration.Aggregator;
using LogDapr.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Http;

/// <summary>The aggregator's allowance of delivery and replay body bytes in memory (<c>Aggregator:MaxInFlightDeliveryBytes</c>).</summary>
public sealed class DeliveryBodyBudget(IOptions<AggregatorOptions> options) : MemoryBudget(options.Value.MaxInFlightDeliveryBytes);
