using LogDapr.Contracts.Events;
using LogDapr.Processing.Rules;

namespace LogDapr.Ingest.Mapping;

/// <summary>
/// The field mapping of a processing rules document: the built-in aliases plus the document's <c>mapping</c> section.
/// The whole document is parsed with the processor's own parser, so ingest accepts exactly the documents the
/// processor accepts and refuses the others with the same messages; only the mapping is kept, the other sections are
/// the processor's.
/// </summary>
internal static class MappingDocument
{
    /// <summary>Bounds what a mistaken mount can make ingest read (the processor's limit for the same file).</summary>
    public const int MaxFileBytes = RulesParser.MaxDocumentChars;

    public static (FieldMapping? Mapping, string? Error) Compile(string text)
    {
        var parsed = RulesParser.Parse(text);
        if (parsed.Rules is null)
        {
            return (null, string.Join("; ", parsed.Errors.Select(e => string.IsNullOrEmpty(e.Path) ? e.Message : $"{e.Path}: {e.Message}")));
        }

        try
        {
            return (FieldMapping.Default.WithAliases(parsed.Rules.Mapping.Fields, parsed.Rules.Mapping.Separator), null);
        }
        catch (ArgumentException ex)
        {
            return (null, $"mapping: {ex.Message}");
        }
    }
}
