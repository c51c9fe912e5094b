namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>The two OTLP/HTTP encodings; the answer uses the request's.</summary>
public enum OtlpEncoding
{
    Protobuf,
    Json,
}
