using System.Text.Json;

namespace LogDapr.LoadGen.Runner;

/// <summary>What an ingest answer says: how many events it accepted and how many it listed as rejected.</summary>
public readonly record struct ResponseOutcome(int Accepted, int Rejected)
{
    /// <summary>
    /// Reads <c>{"accepted":N,"rejected":[...],"rejected_total":M}</c> (a 202) or a problem document with the same
    /// members (a 400); the list holds only the first rejected events, so <c>rejected_total</c> wins when present.
    /// Tolerant: anything else counts as nothing accepted.
    /// </summary>
    public static ResponseOutcome Parse(ReadOnlySpan<byte> body)
    {
        var accepted = 0;
        var rejected = 0;
        int? rejectedTotal = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
                {
                    continue;
                }

                if (reader.ValueTextEquals("accepted"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number)
                    {
                        accepted = reader.GetInt32();
                    }
                }
                else if (reader.ValueTextEquals("rejected_total"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number)
                    {
                        rejectedTotal = reader.GetInt32();
                    }
                }
                else if (reader.ValueTextEquals("rejected"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        continue;
                    }

                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        rejected++;
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return new ResponseOutcome(accepted, rejectedTotal ?? rejected);
    }
}
