namespace LogDapr.Ingest.Ingestion;

/// <summary>
/// Placeholder type that names the request body in the OpenAPI document; the document transformer replaces its
/// schema with the published LogEvent v1 JSON Schema (the body itself is read by <see cref="LogDapr.Contracts.Events.LogEventReader"/>).
/// </summary>
public sealed class LogEventDocument;
