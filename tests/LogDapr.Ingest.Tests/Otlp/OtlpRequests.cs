using System.Net.Http.Headers;
using Google.Protobuf;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>OTLP requests built from the wire types, for the cases a real exporter never sends (invalid records).</summary>
internal static class OtlpRequests
{
    public static LogRecord Record(string body, int severity = 9, ByteString? traceId = null) => new()
    {
        TimeUnixNano = (ulong)(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000),
        SeverityNumber = (SeverityNumber)severity,
        Body = new AnyValue { StringValue = body },
        TraceId = traceId ?? ByteString.Empty,
    };

    public static ExportLogsServiceRequest Request(string service, string? tenant, params LogRecord[] records)
    {
        var resource = new Resource();
        resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
        if (tenant is not null)
        {
            resource.Attributes.Add(new KeyValue { Key = "logdapr.tenant_id", Value = new AnyValue { StringValue = tenant } });
        }

        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "tests", Version = "1.0" } };
        scope.LogRecords.Add(records);
        var resourceLogs = new ResourceLogs { Resource = resource };
        resourceLogs.ScopeLogs.Add(scope);
        var request = new ExportLogsServiceRequest();
        request.ResourceLogs.Add(resourceLogs);
        return request;
    }

    public static ByteArrayContent Protobuf(IMessage message) => Protobuf(message.ToByteArray());

    public static ByteArrayContent Protobuf(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }
}
