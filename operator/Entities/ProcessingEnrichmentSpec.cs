using System.ComponentModel;
using System.Text.Json.Serialization;

namespace LogDapr.Operator.Entities;

[Description("Enrichment from the metadata kept in Postgres (kind host or service), looked up through a cache, the state store and Postgres.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ProcessingEnrichmentSpec
{
    [Description("Add the event host's metadata as attributes host.<key>.")]
    public bool? Hosts { get; set; }

    [Description("Add the event service's metadata as attributes service.<key>.")]
    public bool? Services { get; set; }
}
