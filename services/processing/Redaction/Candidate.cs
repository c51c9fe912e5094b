namespace LogDapr.Processing.Redaction;

/// <summary>A span of the scanned text that one matcher (by its index in the redactor) would replace.</summary>
internal readonly record struct Candidate(int Start, int Length, int Matcher);
