using System.Buffers;
using System.Text;
using System.Text.Json;
using CsCheck;
using LogDapr.Contracts.CloudEvents;

namespace LogDapr.Contracts.Tests;

/// <summary>
/// The envelope a publish carries. <see cref="CloudEventWriter.Write"/> reuses one buffer and writer per thread; whatever
/// it wrote before (a longer head, escapes) must never show in the next envelope.
/// </summary>
public class CloudEventWriterTests
{
    // Escaped, multi-byte and plain characters.
    private static readonly Gen<char> Chars = Gen.Char["abcXYZ019 -:;=\"\\\n\t\u0001\u001f<>&'+/éü中"];

    private static readonly Gen<string?> Optional = Gen.OneOf(Gen.Const((string?)null), Gen.String[Chars, 0, 300].Select(s => (string?)s));

    private static readonly Gen<CloudEventHead> Heads =
        Gen.Select(Gen.String[Chars, 1, 80], Gen.String[Chars, 0, 40], Gen.String[Chars, 0, 40], Gen.Long[0, 253_402_300_799_000], Optional, Optional, Optional)
            .Select((id, source, type, millis, traceParent, traceState, rules) =>
                new CloudEventHead(id, source, type, DateTimeOffset.FromUnixTimeMilliseconds(millis), "application/json")
                {
                    TraceParent = traceParent,
                    TraceId = traceParent,
                    TraceState = traceState,
                    RulesVersion = rules,
                });

    private static readonly Gen<byte[]> Data = Gen.Int[0, 50].Select(n => Encoding.UTF8.GetBytes($"{{\"events\":[{string.Join(',', Enumerable.Range(0, n))}]}}"));

    [Fact]
    public void Every_envelope_is_what_a_fresh_writer_writes_whatever_came_before_on_the_thread() =>
        Gen.Select(Heads, Data).Array[1, 12].Sample(calls =>
        {
            foreach (var (head, data) in calls)
            {
                var envelope = CloudEventWriter.Write(head, data, out var dataOffset);

                Assert.Equal(Fresh(head, data), envelope);
                Assert.Equal(data, envelope.AsSpan(dataOffset, data.Length).ToArray());
                using var parsed = JsonDocument.Parse(envelope);
                Assert.Equal(head.Id, parsed.RootElement.GetProperty("id").GetString());
            }
        }, iter: 2_000);

    private static byte[] Fresh(CloudEventHead head, byte[] data)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CloudEventWriter.WriteHead(writer, head);
            writer.Flush();
        }

        return [.. buffer.WrittenSpan, .. data, (byte)'}'];
    }
}
