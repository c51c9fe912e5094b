using System.Text;
using CsCheck;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using LogDapr.Ingest.Protocols.Loki;
using LogDapr.Ingest.Protocols.Loki.Wire;
using LogDapr.ServiceDefaults.Http;
using Snappier;

namespace LogDapr.Ingest.Tests.Protocols;

/// <summary>Loki's protobuf push: the snappy block, the PushRequest, and the mapping it shares with the JSON push.</summary>
public sealed class LokiProtobufDecoderTests
{
    private const int MaxBytes = 1 << 20;

    internal static EntryAdapter Entry(long seconds, int nanos, string line, params (string Name, string Value)[] metadata)
    {
        var entry = new EntryAdapter { Timestamp = new Timestamp { Seconds = seconds, Nanos = nanos }, Line = line };
        entry.StructuredMetadata.AddRange(metadata.Select(m => new LabelPairAdapter { Name = m.Name, Value = m.Value }));
        return entry;
    }

    internal static StreamAdapter Stream(string labels, params EntryAdapter[] entries)
    {
        var stream = new StreamAdapter { Labels = labels };
        stream.Entries.AddRange(entries);
        return stream;
    }

    internal static PushRequest Request(params StreamAdapter[] streams)
    {
        var request = new PushRequest();
        request.Streams.AddRange(streams);
        return request;
    }

    private static string Ndjson(LokiDecoded decoded)
    {
        Assert.Null(decoded.Error);
        return Encoding.UTF8.GetString(decoded.Ndjson.Span);
    }

    [Fact]
    public void A_protobuf_push_maps_exactly_as_the_same_push_in_json()
    {
        var json = """
            {"streams":[
              {"stream":{"job":"varlogs","app":"checkout","level":"warning","env":"prod"},
               "values":[["1","a",{"trace":"t1"}],["2000000001","b"]]},
              {"stream":{"service_name":"api","service":"x","detected_level":"ERROR"},"values":[["3","c \"quoted\""]]},
              {"stream":{"level":"unknown"},"values":[["4","d"]]}]}
            """;
        var protobuf = Request(
            Stream("""{job="varlogs", app="checkout", level="warning", env="prod"}""", Entry(0, 1, "a", ("trace", "t1")), Entry(2, 1, "b")),
            Stream("""{service_name="api", service="x", detected_level="ERROR"}""", Entry(0, 3, "c \"quoted\"")),
            Stream("""{level="unknown"}""", Entry(0, 4, "d")));

        var fromJson = Ndjson(LokiJsonDecoder.Decode(Encoding.UTF8.GetBytes(json), "acme", MaxBytes));
        var fromProtobuf = Ndjson(LokiProtobufDecoder.Decode(protobuf.ToByteArray(), "acme", MaxBytes));

        Assert.Equal(fromJson, fromProtobuf);
        Assert.Contains("\"service\":\"checkout\"", fromProtobuf, StringComparison.Ordinal);
        Assert.Contains("\"severity\":\"warn\"", fromProtobuf, StringComparison.Ordinal);
        Assert.Contains("\"attributes\":{\"env\":\"prod\",\"job\":\"varlogs\",\"trace\":\"t1\"}", fromProtobuf, StringComparison.Ordinal);
    }

    [Fact]
    public void Structured_metadata_becomes_attributes_and_wins_over_a_label_of_the_same_name()
    {
        var ndjson = Ndjson(LokiProtobufDecoder.Decode(
            Request(Stream("""{app="api", region="eu"}""", Entry(1_700_000_000, 5_000, "x", ("region", "us"), ("trace_id", "abc")))).ToByteArray(), null, MaxBytes));

        // The id (LokiEventIds) is derived from the entry; LokiJsonDecoderTests covers it.
        Assert.Matches("""^\{"id":"[0-9a-f-]{36}",""", ndjson);
        Assert.Equal("""{"timestamp":"2023-11-14T22:13:20.0000050+00:00","severity":"info","service":"api","message":"x","attributes":{"region":"us","trace_id":"abc"}}""" + "\n",
            "{" + ndjson[(ndjson.IndexOf(',', StringComparison.Ordinal) + 1)..]);
    }

    [Theory]
    [InlineData(0, 0, "1970-01-01T00:00:00.0000000+00:00")]
    [InlineData(253_402_300_800, 0, "seconds=253402300800 nanos=0")]
    [InlineData(1, 1_000_000_000, "seconds=1 nanos=1000000000")]
    [InlineData(1, -1, "seconds=1 nanos=-1")]
    public void A_timestamp_out_of_range_is_passed_on_for_the_reader_to_reject_that_entry(long seconds, int nanos, string expected)
    {
        Assert.Equal(expected, LokiEventWriter.FromSecondsAndNanos(seconds, nanos));
    }

    [Fact]
    public void Labels_that_do_not_parse_refuse_the_push_with_lokis_reason()
    {
        var decoded = LokiProtobufDecoder.Decode(Request(Stream("""{app="ok"}""", Entry(1, 0, "a")), Stream("{app=unquoted}", Entry(1, 0, "b"))).ToByteArray(), null, MaxBytes);

        Assert.Equal(400, decoded.Status);
        Assert.StartsWith("couldn't parse labels of stream 1: invalid labels", decoded.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_a_push_request_are_refused()
    {
        var decoded = LokiProtobufDecoder.Decode(new byte[] { 0x0a, 0x05, 0x01 }, null, MaxBytes);

        Assert.Equal(400, decoded.Status);
        Assert.StartsWith("the body is not a valid logproto.PushRequest", decoded.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_snappy_block_decompresses_into_a_budgeted_buffer_that_is_given_back()
    {
        var message = Request(Stream("""{app="api"}""", Entry(1, 0, "hello"))).ToByteArray();
        var budget = new MemoryBudget(1 << 20);

        var status = LokiSnappy.Decompress(Snappy.CompressToArray(message), MaxBytes, budget, out var body, out var error);

        Assert.Equal(LokiSnappy.Status.Ok, status);
        Assert.Null(error);
        Assert.Equal(message, body!.Span.ToArray());
        // The whole buffer it holds is reserved: at least the decompressed length, at most the pool's power-of-two rounding.
        Assert.InRange(budget.Used, message.Length, 2L * message.Length);
        body.Dispose();
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public void A_snappy_bomb_is_refused_from_its_header_without_allocating_the_claimed_size()
    {
        // A header claiming 2 GiB - 1 (varint 0xff 0xff 0xff 0xff 0x07) and a few literal bytes.
        byte[] bomb = [0xff, 0xff, 0xff, 0xff, 0x07, 0x08, (byte)'a', (byte)'b', (byte)'c'];
        var budget = new MemoryBudget(long.MaxValue);
        LokiSnappy.Decompress(bomb, MaxBytes, budget, out _, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var status = LokiSnappy.Decompress(bomb, MaxBytes, budget, out var body, out var error);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(LokiSnappy.Status.TooLarge, status);
        Assert.Null(body);
        Assert.Contains("2147483647 bytes once decompressed; the limit is 1048576", error, StringComparison.Ordinal);
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated");
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public void A_block_over_the_memory_budget_is_refused_as_overloaded_and_holds_nothing()
    {
        var block = Snappy.CompressToArray(new byte[4096]);
        var budget = new MemoryBudget(1024);

        Assert.Equal(LokiSnappy.Status.OverBudget, LokiSnappy.Decompress(block, MaxBytes, budget, out var body, out _));
        Assert.Null(body);
        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public void Protobuf_without_snappy_framed_snappy_and_a_truncated_block_are_refused_with_a_reason()
    {
        var message = Request(Stream("""{app="api"}""", Entry(1, 0, new string('x', 300)))).ToByteArray();
        var block = Snappy.CompressToArray(message);
        using var framed = new MemoryStream();
        using (var stream = new SnappyStream(framed, System.IO.Compression.CompressionMode.Compress, leaveOpen: true))
        {
            stream.Write(message);
        }

        var budget = new MemoryBudget(1 << 20);
        foreach (var (body, reason) in new[]
        {
            (message, "must be snappy-compressed"),
            (framed.ToArray(), "framed snappy"),
            (block[..^3], "must be snappy-compressed"),
        })
        {
            Assert.Equal(LokiSnappy.Status.Invalid, LokiSnappy.Decompress(body, MaxBytes, budget, out var decompressed, out var error));
            Assert.Null(decompressed);
            Assert.Contains(reason, error, StringComparison.Ordinal);
        }

        Assert.Equal(0, budget.Used);
    }

    [Fact]
    public void Random_bytes_and_random_messages_never_throw()
    {
        var budget = new MemoryBudget(1 << 24);
        var randomBlocks = Gen.Byte.Array[0, 300];
        var snappedRandom = Gen.Byte.Array[0, 300].Select(b => Snappy.CompressToArray(b));
        var entries = Gen.Select(Gen.Long, Gen.Int, Gen.String, Gen.String, (s, n, line, meta) => Entry(s, n, line, (meta, line)));
        var messages = Gen.Select(Gen.OneOf(Gen.String, Gen.String[Gen.Char["{}=\",ab_ "], 0, 30]), entries.Array[0, 4], (labels, e) => Request(Stream(labels, e)).ToByteArray());
        Gen.OneOf(randomBlocks, snappedRandom, messages.Select(m => Snappy.CompressToArray(m))).Sample(block =>
        {
            if (LokiSnappy.Decompress(block, MaxBytes, budget, out var body, out var error) != LokiSnappy.Status.Ok)
            {
                Assert.NotNull(error);
                return;
            }

            using (body)
            {
                var decoded = LokiProtobufDecoder.Decode(body!.Memory, "acme", MaxBytes);
                Assert.True(decoded.Status == 204 ^ decoded.Error is not null);
            }
        });
        Assert.Equal(0, budget.Used);
    }
}
