using System.Text.RegularExpressions;

namespace LogDapr.Aggregator.Sink;

/// <summary>
/// Tells a permanent database error from a transient one, from the only thing that crosses Dapr: the error text.
/// daprd (v1.16, pkg/api/grpc/grpc.go InvokeBinding) answers a failed binding call with gRPC Internal and
/// "error invoking output binding NAME: ERR", where components-contrib v1.16 bindings/postgres/postgres.go makes ERR
/// "error executing query: " + pgx's PgError text, "SEVERITY: message (SQLSTATE XXXXX)". The development sidecar
/// passes the same text. No SQLSTATE (a connection that failed, a timeout, the sidecar itself) means transient.
/// Pure.
/// </summary>
public static partial class SinkErrors
{
    /// <summary>The SQLSTATE in a binding error's text, or null.</summary>
    public static string? SqlState(string message)
    {
        var match = SqlStatePattern().Match(message);
        return match.Success ? match.Groups[1].Value : null;
    }

    /// <summary>
    /// Errors the data of a write causes, which no retry can cure: class 22 (data exception: bad encoding, value out of
    /// range, U+0000 in text), 23 (integrity) except unique violations (ON CONFLICT handles those; one that escapes
    /// is a race worth retrying), 54 (program limit: index row too large, statement too complex) and 42 (syntax or
    /// access rule) except the ones a deployment fixes (privileges, a missing table or function while migrating).
    /// Everything else (08 connection, 40 rollback, 53 resources, 57 operator intervention, 58, XX, ...) is transient.
    /// </summary>
    public static bool IsPermanent(string? sqlState) => sqlState switch
    {
        null or { Length: not 5 } => false,
        "23505" => false,
        "42501" or "42P01" or "42883" or "42704" or "42P06" => false,
        _ => sqlState[..2] is "22" or "23" or "54" or "42",
    };

    [GeneratedRegex(@"\(SQLSTATE ([0-9A-Z]{5})\)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex SqlStatePattern();
}
