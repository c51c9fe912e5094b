using Google.Protobuf;
using LogDapr.Contracts.Events;
using LogDapr.Ingest.Protocols.Otlp;
using LogDapr.Ingest.Protocols.Otlp.Wire;

namespace LogDapr.Ingest.Tests.Otlp;

/// <summary>
/// OTLP records carry no id, so an exporter's retry of an export would publish new events unless the ids come from
/// the records: the same export gives the same ids whenever it arrives and however it is encoded; anything that makes
/// another record gives another id.
/// </summary>
public sealed class OtlpRecordIdsTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly ulong Nanos = (ulong)ReceivedAt.AddSeconds(-3).ToUnixTimeMilliseconds() * 1_000_000 + 417;

    private static LogRecord Record(string body, ulong nanos = 0) => new()
    {
        TimeUnixNano = nanos == 0 ? Nanos : nanos,
        SeverityNumber = SeverityNumber.Error,
        Body = new AnyValue { StringValue = body },
        TraceId = ByteString.CopyFrom(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray()),
        Attributes = { new KeyValue { Key = "order", Value = new AnyValue { IntValue = 7 } } },
    };

    private static ExportLogsServiceRequest Export(params LogRecord[] records)
    {
        var request = OtlpRequests.Request("checkout", "acme", records);
        request.ResourceLogs[0].Resource.Attributes.Add(new KeyValue { Key = "k8s.pod.name", Value = new AnyValue { StringValue = "checkout-1" } });
        return request;
    }

    private static IReadOnlyList<LogEvent> Read(ExportLogsServiceRequest request, DateTimeOffset receivedAt)
    {
        var (message, error) = OtlpProtobufMessage.Decode(request.ToByteArray());
        Assert.Null(error);
        var (events, _, refused) = message!.Events(1 << 20, 1000);
        Assert.Null(refused);
        var result = events!.Read(new LogEventReader(LogEventLimits.Default), receivedAt, newEventId: null, defaultTenant: null);
        Assert.Empty(result.Rejected);
        return result.Accepted;
    }

    private static IReadOnlyList<LogEvent> ReadJson(ExportLogsServiceRequest request, DateTimeOffset receivedAt)
    {
        var reader = new LogEventReader(LogEventLimits.Default);
        var transcoded = OtlpTranscoder.Transcode(request, reader.Mapping.Separator, idsAsJson: false, 1 << 20, 1000);
        return reader.Read(transcoded.Ndjson!.WrittenSpan, PayloadFormat.Ndjson, receivedAt, null, null).Accepted;
    }

    [Fact]
    public void The_same_export_sent_again_later_gives_its_events_the_same_ids_which_are_their_own()
    {
        var export = Export(Record("payment 42 failed"), Record("payment 43 failed"));

        var first = Read(export, ReceivedAt);
        var retry = Read(export, ReceivedAt.AddSeconds(5));

        Assert.Equal(first.Select(e => e.Id), retry.Select(e => e.Id));
        Assert.All(first.Concat(retry), e => Assert.False(e.IdGenerated));
        Assert.Equal(2, first.Select(e => e.Id).Distinct().Count());
        Assert.Equal(first.Select(e => e.Id), ReadJson(export, ReceivedAt.AddSeconds(9)).Select(e => e.Id));
    }

    [Fact]
    public void Identical_records_in_one_export_stay_distinct_events_and_keep_their_ids_on_a_retry()
    {
        var export = Export(Record("tick"), Record("tick"), Record("tick"));

        var ids = Read(export, ReceivedAt).Select(e => e.Id).ToList();

        Assert.Equal(3, ids.Distinct().Count());
        Assert.Equal(ids, Read(export, ReceivedAt.AddMinutes(1)).Select(e => e.Id));
    }

    [Fact]
    public void A_record_that_differs_in_anything_it_is_made_of_gets_another_id()
    {
        var original = Read(Export(Record("m")), ReceivedAt).Single().Id;
        var variants = new List<Action<ExportLogsServiceRequest>>
        {
            e => e.ResourceLogs[0].ScopeLogs[0].LogRecords[0].TimeUnixNano += 1,
            e => e.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Body = new AnyValue { StringValue = "n" },
            e => e.ResourceLogs[0].ScopeLogs[0].LogRecords[0].SeverityNumber = SeverityNumber.Warn,
            e => e.ResourceLogs[0].ScopeLogs[0].LogRecords[0].SeverityText = "E",
            e => e.ResourceLogs[0].ScopeLogs[0].LogRecords[0].SpanId = ByteString.CopyFrom(1, 2, 3, 4, 5, 6, 7, 8),
            e => e.ResourceLogs[0].ScopeLogs[0].LogRecords[0].EventName = "payment.failed",
            e => e.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Attributes[0].Value = new AnyValue { IntValue = 8 },
            e => e.ResourceLogs[0].ScopeLogs[0].Scope.Version = "2.0",
            e => e.ResourceLogs[0].Resource.Attributes[2].Value = new AnyValue { StringValue = "checkout-2" },
            e => e.ResourceLogs[0].Resource.Attributes[0].Value = new AnyValue { StringValue = "payments" },
            e => e.ResourceLogs[0].Resource.Attributes[1].Value = new AnyValue { StringValue = "globex" },
            e => e.ResourceLogs[0].Resource.Attributes.Add(new KeyValue { Key = "host.name", Value = new AnyValue { StringValue = "node-1" } }),
        };

        var ids = variants.Select(change =>
        {
            var export = Export(Record("m"));
            change(export);
            return Read(export, ReceivedAt).Single().Id;
        }).ToList();

        Assert.DoesNotContain(original, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Records_that_make_the_same_event_get_the_same_id()
    {
        // An integer attribute is stored as its text: the event is the same, whichever type the exporter used.
        var asText = Export(Record("m"));
        asText.ResourceLogs[0].ScopeLogs[0].LogRecords[0].Attributes[0].Value = new AnyValue { StringValue = "7" };

        Assert.Equal(Read(Export(Record("m")), ReceivedAt).Single().Id, Read(asText, ReceivedAt).Single().Id);
    }

    [Fact]
    public void A_record_without_a_timestamp_takes_the_receive_time_and_a_new_id_each_time()
    {
        var record = Record("no time");
        record.TimeUnixNano = 0;
        var export = Export(record);

        var first = Read(export, ReceivedAt).Single();
        var retry = Read(export, ReceivedAt.AddSeconds(5)).Single();

        Assert.True(first.IdGenerated);
        Assert.NotEqual(first.Id, retry.Id);
    }

    [Fact]
    public void The_observed_time_stands_in_for_a_missing_time()
    {
        var record = Record("observed");
        record.TimeUnixNano = 0;
        record.ObservedTimeUnixNano = Nanos;
        var export = Export(record);

        Assert.Equal(Read(export, ReceivedAt).Single().Id, Read(export, ReceivedAt.AddSeconds(5)).Single().Id);
    }
}
