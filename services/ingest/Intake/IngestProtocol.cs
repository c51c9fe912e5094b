namespace LogDapr.Ingest.Intake;

/// <summary>The wire protocols ingest speaks, as the <c>protocol</c> label of its metrics (a bounded set).</summary>
public static class IngestProtocol
{
    /// <summary>LogEvent v1 JSON or NDJSON on POST /v1/logs.</summary>
    public const string Json = "json";

    /// <summary>OTLP/HTTP (protobuf or JSON) on POST /v1/logs.</summary>
    public const string OtlpHttp = "otlp_http";

    /// <summary>OTLP/gRPC LogsService/Export.</summary>
    public const string OtlpGrpc = "otlp_grpc";

    /// <summary>The Loki push API.</summary>
    public const string Loki = "loki";

    /// <summary>The Elasticsearch bulk API.</summary>
    public const string Elasticsearch = "elasticsearch";

    public static IReadOnlyList<string> All { get; } = [Json, OtlpHttp, OtlpGrpc, Loki, Elasticsearch];
}
