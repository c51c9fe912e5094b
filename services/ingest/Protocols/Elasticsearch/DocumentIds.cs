using LogDapr.Ingest.Publishing;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// The event id of a document sent with an <c>_id</c>: the <see cref="NameBasedId"/> of the index and the <c>_id</c>.
/// Deterministic, so a shipper's retry of the same bulk carries the same ids and is counted once; the index is part of
/// it because Elasticsearch ids are unique per index; always 36 characters, whatever the length of the <c>_id</c>
/// (Elasticsearch allows 512 bytes, an event id 128 characters). Pure.
/// </summary>
public static class DocumentIds
{
    private const string Tag = "logdapr/event/elasticsearch/v1";

    public static string For(string index, string id)
    {
        using var name = new NameBasedId(Tag);
        return name.Add(index).Add(id).ToUuid();
    }
}
