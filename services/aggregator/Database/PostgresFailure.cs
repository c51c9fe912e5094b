using System.Security.Authentication;
using Npgsql;

namespace LogDapr.Aggregator.Database;

/// <summary>
/// The text readiness and the logs show for a failed Postgres call. Npgsql's own message for a refused server
/// certificate is "Exception while performing SSL handshake", with the reason two exceptions down; an operator
/// needs to read that it is the certificate check, and which settings decide it.
/// </summary>
public static class PostgresFailure
{
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException tls)
            {
                return "TLS handshake with Postgres failed: the server's certificate was not accepted (" + tls.Message + "). "
                    + "It must chain to a CA in the connection string's sslrootcert file and, with sslmode=verify-full, name the host the string connects to.";
            }
        }
        return exception is NpgsqlException { InnerException: { } cause } && cause is not NpgsqlException
            ? $"{exception.Message}: {cause.Message}"
            : exception.Message;
    }
}
