using System.Text;
using System.Text.Json;

namespace LogDapr.Aggregator.Decoding;

/// <summary>
/// The one tenant a message's data names in its "tenant_id" fields, read even from data that is not valid
/// LogEvent v1, so a dead letter can be shown to that tenant. Null when there is none or more than one. Pure.
/// </summary>
public static class TenantHint
{
    private static readonly byte[] Field = "tenant_id"u8.ToArray();

    public static string? From(ReadOnlySpan<byte> data)
    {
        string? tenant = null;
        var reader = new Utf8JsonReader(data, new JsonReaderOptions { MaxDepth = 16 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals(Field) || !reader.Read())
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.String)
                {
                    continue;
                }

                var value = reader.GetString();
                if (tenant is not null && !string.Equals(tenant, value, StringComparison.Ordinal))
                {
                    return null;
                }

                tenant = value;
            }
        }
        catch (JsonException)
        {
            // Broken JSON: whatever was read before the break still names the tenant.
        }

        return tenant;
    }

    public static string? From(string text) => From(Encoding.UTF8.GetBytes(text));
}
