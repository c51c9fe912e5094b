using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using LogDapr.Contracts.Events;

namespace LogDapr.Contracts.Tests.Support;

/// <summary>
/// The published LogEvent schema, evaluated by a standard JSON Schema (draft 2020-12) validator, so the tests hold
/// the reader to what a client's validator says about the same document.
/// </summary>
internal static partial class LogEventJsonSchema
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(WithEcmaEndAnchors(LogEventSchema.Json));

    // Only the verdict is needed: the flag format stops at the first failure instead of collecting every error.
    private static readonly EvaluationOptions VerdictOnly = new() { OutputFormat = OutputFormat.Flag };

    public static bool Accepts(JsonElement instance) => Schema.Evaluate(instance, VerdictOnly).IsValid;

    /// <summary>
    /// JSON Schema patterns are ECMA-262 regular expressions, whose '$' matches only at the very end; the validator
    /// runs them as .NET expressions, whose '$' also matches before a final '\n' (so "a\n" would pass a pattern
    /// that forbids control characters). Each unescaped '$' becomes '\z', which means in .NET what '$' means in ECMA-262.
    /// </summary>
    private static string WithEcmaEndAnchors(string schemaJson)
    {
        var root = JsonNode.Parse(schemaJson)!;
        Rewrite(root);
        return root.ToJsonString();
    }

    private static void Rewrite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (name == "pattern" && value is JsonValue pattern && pattern.TryGetValue<string>(out var text))
                    {
                        obj[name] = UnescapedDollar().Replace(text, @"\z");
                    }
                    else
                    {
                        Rewrite(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Rewrite(item);
                }

                break;
        }
    }

    [GeneratedRegex(@"(?<!\\)\$")]
    private static partial Regex UnescapedDollar();
}
