using System.Buffers.Text;
using LogDapr.Aggregator.Store.Search;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Tests.Store;

/// <summary>Cursors round-trip under their key; any changed byte, another key or a truncation is refused.</summary>
public sealed class LogCursorCodecTests
{
    private static LogCursorCodec Codec(string key) => new(new CursorKey(Options.Create(new StoreOptions { CursorKey = key }), NullLogger<CursorKey>.Instance));

    private static readonly LogCursor Cursor = new("acme", new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero).AddTicks(12340),
        "evt-ü-1", new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 27, 11, 0, 0, TimeSpan.Zero),
        LogCursorCodec.QueryHash("q"));

    [Fact]
    public void A_cursor_decodes_to_what_was_encoded()
    {
        var codec = Codec("key-0123456789abcdef");

        var decoded = codec.Decode(codec.Encode(Cursor))!;

        Assert.Equal((Cursor.Tenant, Cursor.Timestamp, Cursor.EventId, Cursor.From, Cursor.To), (decoded.Tenant, decoded.Timestamp, decoded.EventId, decoded.From, decoded.To));
        Assert.Equal(Cursor.QueryHash, decoded.QueryHash);
    }

    [Fact]
    public void Every_changed_byte_another_key_and_every_truncation_are_refused()
    {
        var codec = Codec("key-0123456789abcdef");
        var bytes = Base64Url.DecodeFromChars(codec.Encode(Cursor));

        for (var i = 0; i < bytes.Length; i++)
        {
            var changed = (byte[])bytes.Clone();
            changed[i] ^= 0x01;
            Assert.Null(codec.Decode(Base64Url.EncodeToString(changed)));
            Assert.Null(codec.Decode(Base64Url.EncodeToString(bytes.AsSpan(0, i))));
        }

        Assert.Null(Codec("another-key-0123456789").Decode(codec.Encode(Cursor)));
        Assert.Null(codec.Decode("%%%"));
        Assert.Null(codec.Decode(new string('A', LogCursorCodec.MaxLength + 1)));
    }
}
