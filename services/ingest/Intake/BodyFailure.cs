namespace LogDapr.Ingest.Intake;

public enum BodyFailureKind
{
    /// <summary>Over Ingest:MaxBodyBytes (after decompression).</summary>
    TooLarge,

    /// <summary>Not complete within Ingest:MaxBodyReadTime.</summary>
    TimedOut,

    /// <summary>Below Kestrel's minimum data rate.</summary>
    TooSlow,

    /// <summary>Ended before its length, or the connection closed.</summary>
    Incomplete,

    /// <summary>A Content-Encoding other than identity or gzip.</summary>
    UnsupportedEncoding,

    /// <summary>Not valid data of its Content-Encoding.</summary>
    CorruptEncoding,

    /// <summary>The replica's body memory budget is used up: retry later.</summary>
    Overloaded,
}

/// <summary>Why a request body was not read; <paramref name="Detail"/> is the reason or the encoding's name.</summary>
public sealed record BodyFailure(BodyFailureKind Kind, string Detail);
