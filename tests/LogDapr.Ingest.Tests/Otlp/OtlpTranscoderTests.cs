using Google.Protobuf;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Protocols.Otlp;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>The OTLP data model mapped onto LogEvent v1, through the same reader the JSON API uses.</summary>
public sealed class OtlpTranscoderTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly LogEventReader reader = new(new LogEventLimits());

    private ParseResult Read(ExportLogsServiceRequest request, bool idsAsJson = false)
    {
        var transcoded = OtlpTranscoder.Transcode(request, reader.Mapping.Separator, idsAsJson, 1 << 20, 100);
        Assert.Null(transcoded.Error);
        return reader.Read(transcoded.Ndjson!.WrittenSpan, PayloadFormat.Ndjson, Now, defaultTenant: "acme");
    }

    private static AnyValue Str(string s) => new() { StringValue = s };

    private static KeyValue Kv(string key, AnyValue value) => new() { Key = key, Value = value };

    [Theory]
    [InlineData(1, "", Severity.Trace)]
    [InlineData(4, "", Severity.Trace)]
    [InlineData(5, "", Severity.Debug)]
    [InlineData(9, "whatever", Severity.Info)]
    [InlineData(13, "", Severity.Warn)]
    [InlineData(17, "", Severity.Error)]
    [InlineData(20, "", Severity.Error)]
    [InlineData(24, "", Severity.Fatal)]
    [InlineData(0, "ERROR", Severity.Error)]
    [InlineData(0, "Warning", Severity.Warn)]
    [InlineData(0, "", Severity.Info)]
    [InlineData(0, "loud", Severity.Info)]
    public void Severity_comes_from_the_number_range_then_the_text_then_info(int number, string text, Severity expected)
    {
        var record = OtlpRequests.Record("m", number);
        record.SeverityText = text;

        var parsed = Read(OtlpRequests.Request("api", null, record));

        Assert.Equal(expected, Assert.Single(parsed.Accepted).Severity);
    }

    [Fact]
    public void Resource_scope_and_record_map_onto_service_tenant_host_attributes_and_ids()
    {
        var record = OtlpRequests.Record("", 13, ByteString.CopyFrom(Convert.FromHexString("0af7651916cd43dd8448eb211c80319c")));
        record.SpanId = ByteString.CopyFrom(Convert.FromHexString("b7ad6b7169203331"));
        record.Body = new AnyValue { KvlistValue = new KeyValueList { Values = { Kv("user", Str("ann")), Kv("n", new AnyValue { IntValue = 3 }) } } };
        record.Attributes.Add(Kv("env", Str("record-wins")));
        record.Attributes.Add(Kv("http", new AnyValue { KvlistValue = new KeyValueList { Values = { Kv("status", new AnyValue { IntValue = 500 }) } } }));
        record.Attributes.Add(Kv("tags", new AnyValue { ArrayValue = new ArrayValue { Values = { Str("a"), new AnyValue { BoolValue = true } } } }));
        record.Attributes.Add(Kv("raw", new AnyValue { BytesValue = ByteString.CopyFrom(1, 2, 3) }));
        var request = OtlpRequests.Request("checkout", "acme", record);
        request.ResourceLogs[0].Resource.Attributes.Add(Kv("env", Str("prod")));
        request.ResourceLogs[0].Resource.Attributes.Add(Kv("host.name", Str("node-1")));
        request.ResourceLogs[0].ScopeLogs[0].Scope.Attributes.Add(Kv("lib", Str("x")));

        var e = Assert.Single(Read(request).Accepted);

        Assert.Equal("checkout", e.Service);
        Assert.Equal("acme", e.TenantId);
        Assert.Equal("node-1", e.Host);
        Assert.Equal(Severity.Warn, e.Severity);
        Assert.Equal("""{"user":"ann","n":3}""", e.Message);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c", e.TraceId);
        Assert.Equal("b7ad6b7169203331", e.SpanId);
        var attributes = e.Attributes.ToDictionary(a => a.Key, a => a.Value);
        Assert.Equal("record-wins", attributes["env"]);
        Assert.Equal("500", attributes["http.status"]);
        Assert.Equal("""["a",true]""", attributes["tags"]);
        Assert.Equal("AQID", attributes["raw"]);
        Assert.Equal("x", attributes["lib"]);
        Assert.Equal("tests", attributes["otel.scope.name"]);
        Assert.Equal("1.0", attributes["otel.scope.version"]);
        Assert.False(attributes.ContainsKey("service.name"));
    }

    [Fact]
    public void Time_falls_back_to_the_observed_time_then_the_receive_time_and_zero_ids_are_absent()
    {
        var observed = OtlpRequests.Record("a");
        var seen = Now.AddMinutes(-3);
        observed.TimeUnixNano = 0;
        observed.ObservedTimeUnixNano = (ulong)seen.ToUnixTimeMilliseconds() * 1_000_000;
        observed.TraceId = ByteString.CopyFrom(new byte[16]);
        var none = OtlpRequests.Record("b");
        none.TimeUnixNano = 0;

        var parsed = Read(OtlpRequests.Request("api", null, observed, none));

        Assert.Equal(seen.ToUnixTimeMilliseconds(), parsed.Accepted[0].Timestamp.ToUnixTimeMilliseconds());
        Assert.Null(parsed.Accepted[0].TraceId);
        Assert.Equal(Now, parsed.Accepted[1].Timestamp);
    }

    [Fact]
    public void Without_service_name_the_service_is_unknown_service()
    {
        var request = OtlpRequests.Request("x", null, OtlpRequests.Record("m"));
        request.ResourceLogs[0].Resource.Attributes.Clear();

        Assert.Equal("unknown_service", Assert.Single(Read(request).Accepted).Service);
    }

    [Fact]
    public void An_invalid_record_is_rejected_at_its_own_index()
    {
        var request = OtlpRequests.Request("api", null, OtlpRequests.Record("ok"), OtlpRequests.Record("bad", traceId: ByteString.CopyFrom(1, 2, 3)), OtlpRequests.Record("ok"));

        var parsed = Read(request);

        Assert.Equal(2, parsed.Accepted.Count);
        var rejected = Assert.Single(parsed.Rejected);
        Assert.Equal(1, rejected.Index);
        Assert.Equal("trace_id", rejected.Errors[0].Field);
    }

    [Fact]
    public void Records_over_the_batch_limit_refuse_the_payload_before_transcoding()
    {
        var request = OtlpRequests.Request("api", null, OtlpRequests.Record("a"), OtlpRequests.Record("b"), OtlpRequests.Record("c"));

        var transcoded = OtlpTranscoder.Transcode(request, ".", idsAsJson: false, 1 << 20, maxRecords: 2);

        Assert.Equal(PayloadErrorKind.TooManyEvents, transcoded.Error!.Kind);
    }

    [Fact]
    public void Resource_attributes_repeated_past_the_byte_bound_refuse_the_payload()
    {
        var request = OtlpRequests.Request("api", null, [.. Enumerable.Range(0, 50).Select(_ => OtlpRequests.Record("m"))]);
        request.ResourceLogs[0].Resource.Attributes.Add(Kv("big", Str(new string('x', 1000))));

        var transcoded = OtlpTranscoder.Transcode(request, ".", idsAsJson: false, maxBytes: 10_000, maxRecords: 100);

        Assert.Equal(PayloadErrorKind.TooManyEvents, transcoded.Error!.Kind);
    }
}
