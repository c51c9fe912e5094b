namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// One action of a bulk request, in request order: either refused before the intake (<see cref="Error"/>), or sent to
/// it as line <see cref="Line"/> of the transcoded NDJSON (the intake's rejected index).
/// </summary>
/// <param name="Action">index, create, delete or update: the key of the item in the answer.</param>
/// <param name="Index">The item's index (its <c>_index</c>, else the URL's), or null when neither names one.</param>
/// <param name="Id">The item's <c>_id</c> as sent, or null.</param>
public sealed record BulkItem(string Action, string? Index, string? Id, BulkError? Error, int Line);
