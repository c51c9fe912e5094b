namespace LogDapr.Processing.Redaction;

/// <summary>
/// Finds every span of one kind in a text. Matchers scan the original text only (a replacement is never scanned
/// again) and each one is linear in the text: a scan either moves forward or is bounded by a small constant.
/// </summary>
internal abstract class PiiMatcher(string kind)
{
    public string Kind { get; } = kind;

    public abstract void Find(string text, List<Candidate> found, int matcher);
}
