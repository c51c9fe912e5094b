using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace LogDapr.Aggregator.Audit;

/// <summary>
/// The opaque cursor of GET /v1/audit: the id of the last record of a page (records are paged by id, newest first),
/// versioned and base64url-encoded. Paging by id is stable: records written while a client pages are newer than its
/// first page and never shift the pages after it. Pure.
/// </summary>
public static class AuditCursor
{
    private const string Version = "a1:";
    private const int MaxChars = 64;

    public static string Encode(long lastId) => Base64Url.EncodeToString(Encoding.ASCII.GetBytes(Version + lastId.ToString(CultureInfo.InvariantCulture)));

    public static bool TryDecode(string cursor, out long lastId)
    {
        lastId = 0;
        if (cursor.Length is 0 or > MaxChars)
        {
            return false;
        }

        string text;
        try
        {
            text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            return false;
        }

        return text.StartsWith(Version, StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(Version.Length), NumberStyles.None, CultureInfo.InvariantCulture, out lastId)
            && lastId > 0
            && Encode(lastId) == cursor;
    }
}
