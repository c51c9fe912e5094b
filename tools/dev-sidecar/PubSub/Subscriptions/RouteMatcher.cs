using System.Text.Json;

namespace LogDapr.DevSidecar.PubSub.Subscriptions;

/// <summary>
/// A deliberately small subset of the CEL that Dapr routing rules use: clauses <c>event.&lt;attr&gt; == "v"</c> or
/// <c>!=</c>, joined by <c>&amp;&amp;</c> and <c>||</c> (no parentheses). Anything else is rejected at subscription time
/// with a warning and never matches, so a rule the sidecar cannot evaluate fails visibly instead of silently.
/// </summary>
public sealed class RouteMatcher
{
    private readonly List<List<Clause>> anyOf;

    private RouteMatcher(List<List<Clause>> anyOf) => this.anyOf = anyOf;

    private sealed record Clause(string Attribute, bool Equal, string Literal);

    public static RouteMatcher? TryCreate(string expression)
    {
        var anyOf = new List<List<Clause>>();
        foreach (var disjunct in expression.Split("||"))
        {
            var allOf = new List<Clause>();
            foreach (var conjunct in disjunct.Split("&&"))
            {
                var clause = ParseClause(conjunct.Trim());
                if (clause is null)
                {
                    return null;
                }

                allOf.Add(clause);
            }

            anyOf.Add(allOf);
        }

        return new RouteMatcher(anyOf);
    }

    public bool Matches(JsonElement cloudEvent) =>
        this.anyOf.Any(allOf => allOf.All(c =>
        {
            // JSON null reads as absent; a value other than a string compares as its compact JSON text.
            var actual = !cloudEvent.TryGetProperty(c.Attribute, out var value) || value.ValueKind == JsonValueKind.Null ? null
                : value.ValueKind == JsonValueKind.String ? value.GetString()
                : JsonSerializer.Serialize(value);
            return c.Equal ? actual == c.Literal : actual != c.Literal;
        }));

    private static Clause? ParseClause(string text)
    {
        var op = text.Contains("==", StringComparison.Ordinal) ? "==" : text.Contains("!=", StringComparison.Ordinal) ? "!=" : null;
        if (op is null)
        {
            return null;
        }

        var parts = text.Split(op, 2);
        var left = parts[0].Trim();
        var right = parts[1].Trim();
        if (!left.StartsWith("event.", StringComparison.Ordinal) || right.Length < 2)
        {
            return null;
        }

        var quote = right[0];
        if (quote is not ('"' or '\'') || right[^1] != quote)
        {
            return null;
        }

        return new Clause(left["event.".Length..], op == "==", right[1..^1]);
    }
}
