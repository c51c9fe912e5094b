namespace LogDapr.ServiceDefaults.Reloading;

/// <summary>
/// When a polled document's change counts: only once two polls in a row read the same changed text. A file written in
/// place (an editor, <c>cp</c>, a shell redirect, a host-path mount) is truncated and then written, and a poll between
/// the two reads an empty or cut-off document that can be valid: an empty rules file is "no rules", which would switch
/// redaction off for a delivery. A change therefore applies one poll later than it is first seen. A ConfigMap volume
/// swaps its files whole, so under the operator this only delays a change by one interval.
/// </summary>
public sealed class SettledText
{
    private string? seen;

    /// <summary>
    /// Call with each read of a changed text (one that differs from the document in use); true when the previous
    /// call read the same text, so the file has stayed as it is for a whole interval.
    /// </summary>
    public bool Settled(string changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        if (string.Equals(changed, seen, StringComparison.Ordinal))
        {
            seen = null;
            return true;
        }

        seen = changed;
        return false;
    }

    /// <summary>The file reads as the document in use (or the refused one) again: a change seen before is forgotten.</summary>
    public void Unchanged() => seen = null;
}
