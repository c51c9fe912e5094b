using LogDapr.Configuration.Ingest;
using LogDapr.ServiceDefaults.Http;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Backpressure;

/// <summary>Ingest's allowance of request-body bytes in memory (<c>Ingest:MaxInFlightBodyBytes</c>).</summary>
public sealed class BodyBudget(IOptions<BackpressureOptions> options) : MemoryBudget(options.Value.MaxInFlightBodyBytes);
