namespace LogDapr.Ingest.Intake;

/// <summary>The <c>reason</c> label of <c>logdapr.ingest.requests.rejected</c>, the same for every protocol.</summary>
public static class RequestRejections
{
    private const string ProblemTypePrefix = "https://logdapr.io/problems/";

    /// <summary>"https://logdapr.io/problems/payload-too-large" becomes "payload_too_large": a bounded label set.</summary>
    public static string Of(string? problemType)
        => problemType is not null && problemType.StartsWith(ProblemTypePrefix, StringComparison.Ordinal)
            ? problemType[ProblemTypePrefix.Length..].Replace('-', '_')
            : "other";
}
