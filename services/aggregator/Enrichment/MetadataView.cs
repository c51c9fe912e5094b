namespace LogDapr.Aggregator.Enrichment;

/// <summary>One metadata row as the API shows it.</summary>
public sealed record MetadataView(string Kind, string Name, IReadOnlyDictionary<string, string> Attributes, DateTimeOffset UpdatedAt)
{
    public static MetadataView From(MetadataRow row) => new(MetadataKinds.Text(row.Key.Kind), row.Key.Name, row.Attributes, row.UpdatedAt);
}

/// <summary>A page of one kind's rows ordered by name; pass <see cref="NextCursor"/> (next_cursor) as <c>cursor</c> for the next page (null on the last).</summary>
public sealed record MetadataPage(IReadOnlyList<MetadataView> Items, string? NextCursor);
