using System.Text;
using System.Text.Json;
using CsCheck;
using LogDapr.Aggregator.Decoding;
using LogDapr.Contracts.Events;

namespace LogDapr.Aggregator.Tests.Decoding;

/// <summary>
/// A bulk delivery is scanned and decoded entry by entry instead of as one document (its metadata buffer would be larger
/// than the ~10 MB body and stay in the shared pool). On random envelopes — members in any order, duplicated or
/// escaped, entries without ids or events, double-encoded and invalid CloudEvents, single CloudEvents, broken JSON —
/// both ways give the same messages, field for field, for the full and the counting decoder.
/// </summary>
public class DeliveryDecoderPropertyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly DeliveryDecoder Full = new(new LogEventReader(LogEventLimits.Default));
    private static readonly DeliveryDecoder Counting = new(new LogEventReader(LogEventLimits.Default), new LogEventCountingReader(LogEventLimits.Default));

    private static readonly Gen<string> Event = Gen.Select(Gen.OneOf<string>("acme", "globex"), Gen.OneOf<string>("api", "web"), Gen.OneOf<string>("info", "error", "loud"),
        (tenant, service, severity) => $$"""{"tenant_id":"{{tenant}}","service":"{{service}}","severity":"{{severity}}","message":"m <&>","timestamp":"2026-11-22T11:58:10Z"}""");

    private static readonly Gen<string> Data = Gen.OneOf(
        Event.Array[1, 3].Select(events => "[" + string.Join(",", events) + "]"),
        Event.Array[1, 3].Select(events => "{\"events\":[" + string.Join(",", events) + "]}"),
        Gen.OneOf<string>("[]", "42", "\"not json\""));

    // Attributes the envelope scan reads itself (ScannedEntry) in every shape: duplicated (the last counts), escaped,
    // of the wrong type, and the data kinds it leaves to the document path.
    private static readonly Gen<string> Extra = Gen.OneOf<string>("", ",\"time\":\"2026-11-22T11:59:30Z\"", ",\"time\":\"yesterday\"", ",\"time\":5",
        ",\"traceparent\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",\"topic\":\"inner\"", ",\"traceid\":\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",\"tracestate\":\"k=v\"",
        ",\"tracestate\":\"k=v\"", ",\"traceparent\":7,\"tracestate\":\"k=v\"", ",\"topic\":{\"a\":1}", ",\"t\\u006fpic\":\"escaped\"", ",\"id\":\"m-9\"", ",\"id\":7", ",\"id\":\"\"",
        ",\"data_base64\":\"W10=\"", ",\"data_base64\":\"%%\"", ",\"data_base64\":1", ",\"data\":null", ",\"data\":[{\"x\":1}]", ",\"d\\u0061ta\":[]", ",\"id\":\"\\ud800\"");

    private static readonly Gen<string> CloudEvent = Gen.Select(Gen.OneOf<string>("m-1", "m-2", "", "m\\u002d3"), Data, Extra.Array[0, 2].Select(string.Concat), Gen.Bool,
        (id, data, extra, extraLast) => extraLast
            ? $$"""{"specversion":"1.0","id":"{{id}}","source":"s","type":"t","datacontenttype":"application/json","data":{{data}}{{extra}}}"""
            : $$"""{"specversion":"1.0","id":"{{id}}","source":"s","type":"t","datacontenttype":"application/json"{{extra}},"data":{{data}}}""");

    private static readonly Gen<string> Entry = Gen.Frequency(
        (6, Gen.Select(Gen.OneOf<string>("\"e1\"", "\"e2\"", "7", "\"e\\u0033\"", "\"\\udc00\""), CloudEvent, (entryId, ce) => $$"""{"entryId":{{entryId}},"event":{{ce}},"contentType":"application/cloudevents+json"}""")),
        (1, CloudEvent.Select(ce => $$"""{"entryId":"e4","event":{{JsonSerializer.Serialize(ce)}}}""")),
        (1, Gen.OneOf<string>("""{"entryId":"e5"}""", """{"event":{}}""", "3", "[]", """{"entryId":"e6","event":"nope"}""",
            """{"entryId":"e7","event":{"id":"m-1","data":[]},"event":[]}""", """{"event":{"id":"m-1","data":[]},"entryId":"e8","entryId":null}""",
            """{"entryId":"e9","event":[],"event":{"id":"m-7","data":[]}}""")));

    private static readonly Gen<string> Member = Gen.Frequency(
        (4, Entry.Array[0, 4].Select(entries => "\"entries\":[" + string.Join(" , ", entries) + "]")),
        (1, Gen.OneOf<string>("\"entries\":{}", "\"entr\\u0069es\":[]", "\"specversion\":\"1.0\"")),
        (2, Gen.OneOf<string>("\"topic\":\"logs\"", "\"topic\":\"lo\\u0067s\"", "\"topic\":5", "\"topic\":\"\\ud800\"")),
        (1, Gen.OneOf<string>("\"id\":\"b1\"", "\"metadata\":{\"pubsubName\":\"p\"}", "\"type\":\"com.dapr.event.sent.bulk\"")));

    private static readonly Gen<string> Body = Gen.Frequency(
        (8, Member.Array[0, 5].Select(members => "{ " + string.Join(",", members) + " }")),
        (1, CloudEvent),
        (1, Gen.Select(Member.Array[1, 3], Gen.Int[1, 40], (members, cut) =>
        {
            var text = "{" + string.Join(",", members) + "}";
            return text[..Math.Max(0, text.Length - cut)];
        })));

    [Fact]
    public void Entry_by_entry_decoding_gives_the_messages_of_one_document()
    {
        Body.Select(Encoding.UTF8.GetBytes).Sample(body =>
        {
            foreach (var decoder in new[] { Full, Counting })
            {
                foreach (var keepRawEvents in new[] { false, true })
                {
                    var document = decoder.Decode(body, Now, keepRawEvents, entryByEntry: false);
                    var scanned = decoder.Decode(body, Now, keepRawEvents, entryByEntry: true);
                    Assert.Equal(Describe(document), Describe(scanned));
                }
            }
        }, iter: 6_000);
    }

    private static string Describe(DecodedDelivery? delivery) => delivery is null
        ? "null"
        : $"bulk={delivery.IsBulk}\n" + string.Join("\n", delivery.Messages.Select(m => string.Join(" | ",
            m.EntryId, m.MessageId, m.Time.ToString("O"), m.Topic, m.RawEvent, m.PoisonReason, m.Tenant, m.TraceParent, m.TraceState,
            m.Events is null ? "-" : string.Join(",", m.Events.Select(e => $"{e.TenantId}/{e.Service}/{e.Severity}/{e.Timestamp:O}")),
            m.Counted is null ? "-" : string.Join(",", m.Counted.Select(e => $"{e.TenantId}/{e.Service}/{e.Severity}/{e.Timestamp:O}")),
            Encoding.UTF8.GetString(m.Delivered.Span))));
}
