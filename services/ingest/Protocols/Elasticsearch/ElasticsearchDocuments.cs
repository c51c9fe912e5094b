using System.Buffers;
using System.Text.Json;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// The fixed answers shippers probe at start (<c>GET /</c>, <c>GET /_license</c>, <c>GET /_cluster/health</c>) and
/// Elasticsearch's error body, <c>{"error":{"root_cause":[..],"type":..,"reason":..},"status":..}</c>. Pure.
/// </summary>
public static class ElasticsearchDocuments
{
    /// <summary>The Elasticsearch version ingest reports: 8, which every current shipper speaks without a <c>_type</c>.</summary>
    public const string Version = "8.17.0";

    public const string ClusterName = "logdapr";

    // Fixed, so that a shipper that remembers the cluster sees the same one after a restart of ingest.
    private const string ClusterUuid = "bG9nZGFwci1pbmdlc3Q";

    public static byte[] Error(BulkError error) => Write(w =>
    {
        w.WriteStartObject("error");
        w.WriteStartArray("root_cause");
        w.WriteStartObject();
        w.WriteString("type", error.Type);
        w.WriteString("reason", error.Reason);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteString("type", error.Type);
        w.WriteString("reason", error.Reason);
        w.WriteEndObject();
        w.WriteNumber("status", error.Status);
    });

    /// <summary>What <c>GET /</c> answers: the shape of Elasticsearch's main action, with <c>build_flavor: default</c> (Logstash refuses <c>oss</c>).</summary>
    public static byte[] Root(string nodeName) => Write(w =>
    {
        w.WriteString("name", nodeName);
        w.WriteString("cluster_name", ClusterName);
        w.WriteString("cluster_uuid", ClusterUuid);
        w.WriteStartObject("version");
        w.WriteString("number", Version);
        w.WriteString("build_flavor", "default");
        w.WriteString("build_type", "docker");
        w.WriteString("build_hash", "logdapr");
        w.WriteString("build_date", "2024-12-11T12:08:05.663969764Z");
        w.WriteBoolean("build_snapshot", false);
        w.WriteString("lucene_version", "9.12.0");
        w.WriteString("minimum_wire_compatibility_version", "7.17.0");
        w.WriteString("minimum_index_compatibility_version", "7.0.0");
        w.WriteEndObject();
        w.WriteString("tagline", "You Know, for Search");
    });

    /// <summary>An active basic license: Logstash's output checks it before it sends anything.</summary>
    public static byte[] License() => Write(w =>
    {
        w.WriteStartObject("license");
        w.WriteString("status", "active");
        w.WriteString("uid", "00000000-0000-4000-8000-6c6f67646170");
        w.WriteString("type", "basic");
        w.WriteString("issue_date", "2024-01-01T00:00:00.000Z");
        w.WriteNumber("issue_date_in_millis", 1704067200000);
        w.WriteNumber("max_nodes", 1000);
        w.WriteString("issued_to", ClusterName);
        w.WriteString("issuer", "elasticsearch");
        w.WriteNumber("start_date_in_millis", -1);
        w.WriteEndObject();
    });

    /// <summary>Vector's health check: says only that ingest answers (its readiness is /readyz).</summary>
    public static byte[] ClusterHealth() => Write(w =>
    {
        w.WriteString("cluster_name", ClusterName);
        w.WriteString("status", "green");
        w.WriteBoolean("timed_out", false);
        w.WriteNumber("number_of_nodes", 1);
        w.WriteNumber("number_of_data_nodes", 1);
        w.WriteNumber("active_primary_shards", 0);
        w.WriteNumber("active_shards", 0);
        w.WriteNumber("relocating_shards", 0);
        w.WriteNumber("initializing_shards", 0);
        w.WriteNumber("unassigned_shards", 0);
        w.WriteNumber("number_of_pending_tasks", 0);
        w.WriteNumber("active_shards_percent_as_number", 100.0);
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var output = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }
}
