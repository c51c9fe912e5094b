using CsCheck;
using LogDapr.Contracts.Events;
using LogDapr.Contracts.Tests.Support;
using static LogDapr.Contracts.Tests.Support.ReaderComparison;

namespace LogDapr.Contracts.Tests;

/// <summary>
/// The counting reader against the full reader on the same payloads: the same payload error, the same rejected events
/// with the same errors word for word, and for every accepted event the same count key (tenant, service, severity,
/// timestamp). The counting readers are shared by every sample (and CsCheck's threads), so what a reader keeps from
/// earlier payloads is exercised too.
/// </summary>
public class CountingReaderPropertyTests
{
    private static readonly DateTimeOffset ReceivedAt = Wire.ReceivedAt;

    private static readonly LogEventReader[] FullReaders = [.. AllLimits.Select(l => new LogEventReader(l))];
    private static readonly LogEventCountingReader[] CountingReaders = [.. AllLimits.Select(l => new LogEventCountingReader(l))];

    [Fact]
    public void Random_event_like_objects_get_the_same_verdicts_and_keys() =>
        Gen.Select(Generators.EventLike(expressible: false).Array[1, 8], Gen.Int[0, 2], AnyLimits).Sample(t =>
        {
            var (payload, format) = Shape(t.Item1, t.Item2);
            AssertSame(payload, format, t.Item3, ReceivedAt);
        }, iter: 10_000);

    [Fact]
    public void Events_read_through_aliases_get_the_same_verdicts_and_keys() =>
        Gen.Select(Generators.Valid, Gen.Int.Array[11], AnyLimits).Sample(t =>
            AssertSame(WithAliases(t.Item1, t.Item2), PayloadFormat.Json, t.Item3, ReceivedAt), iter: 5_000);

    [Fact]
    public void Damaged_payloads_get_the_same_verdicts_and_keys() =>
        Gen.Select(Generators.MutatedPayloads, Gen.Bool, AnyLimits).Sample(t =>
            AssertSame(t.Item1, t.Item2 ? PayloadFormat.Ndjson : PayloadFormat.Json, t.Item3, ReceivedAt), iter: 10_000);

    [Fact]
    public void Random_bytes_get_the_same_verdicts() =>
        Gen.Select(Gen.Byte.Array[0, 300], Gen.Bool, AnyLimits).Sample(t =>
            AssertSame(t.Item1, t.Item2 ? PayloadFormat.Ndjson : PayloadFormat.Json, t.Item3, ReceivedAt), iter: 10_000);

    [Fact]
    public void Long_only_validated_values_get_the_same_verdicts() =>
        Gen.Select(LongValueFields, LongText, Gen.Bool, Gen.Select(Gen.Int[-3_000, 3_000], AnyLimits))
            .Sample(t =>
            {
                var (field, text, escapeAll, (minutes, limits)) = t;
                // Receive times apart from the generated events' also exercise a reader reused at a new time.
                AssertSame(LongValue(field, text, escapeAll), PayloadFormat.Json, limits, ReceivedAt.AddMinutes(minutes));
            }, iter: 3_000);

    [Fact]
    public void A_payload_refused_as_a_whole_adds_no_counted_events()
    {
        var counted = new List<CountedEvent> { new("kept", "svc", Severity.Info, ReceivedAt) };
        var valid = Wire.Event("service", "\"api\"");

        var result = CountingReaders[0].Count(System.Text.Encoding.UTF8.GetBytes("[" + valid + "," + valid + "] x"), PayloadFormat.Json, ReceivedAt, counted);

        Assert.Equal(PayloadErrorKind.MalformedJson, result.Error?.Kind);
        Assert.Equal("kept", Assert.Single(counted).TenantId);
    }

    private static void AssertSame(byte[] payload, PayloadFormat format, int limits, DateTimeOffset receivedAt)
    {
        var full = FullReaders[limits].Read(payload, format, receivedAt);
        var counted = new List<CountedEvent>();
        var count = CountingReaders[limits].Count(payload, format, receivedAt, counted);

        Assert.Equal(full.Error, count.Error);
        Assert.Equal(full.Accepted.Count, count.Accepted);
        Assert.Equal(Describe(full.Rejected), Describe(count.Rejected));
        Assert.Equal(
            full.Accepted.Select(e => new CountedEvent(e.TenantId, e.Service, e.Severity, e.Timestamp)),
            counted);
    }
}
