using LogDapr.Operator.Entities;
using LogDapr.Operator.Rendering;
using LogDapr.Postgres;

namespace LogDapr.Operator.Secrets;

/// <summary>
/// With spec.postgres.tls, the connection string must name the mounted files and the mode: pgx (in daprd) and Npgsql
/// (in the aggregator) both take sslmode and sslrootcert from the string, and a string that sets its own would
/// silently win over anything else the operator could pass. Pure; messages never quote the value.
/// </summary>
public static class PostgresTlsConnectionCheck
{
    /// <summary>What is missing, phrased to follow "the connection string ", with the exact keywords to write; null when it is right.</summary>
    public static string? Problem(string connectionString, PostgresTlsSpec tls)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(tls);
        IReadOnlyDictionary<string, string> settings;
        try
        {
            settings = PgxSettings.Parse(connectionString);
        }
        catch (FormatException)
        {
            // The general check (DaprConnectionStringCheck) reports this one.
            return null;
        }
        var mode = tls.SslMode == PostgresSslMode.VerifyCa ? "verify-ca" : "verify-full";
        var client = tls.ClientCertSecretKeyRef is not null && tls.ClientKeySecretKeyRef is not null;
        var expected = new List<(string Key, string Value)> { ("sslmode", mode), ("sslrootcert", TlsFiles.PostgresCaPath) };
        if (client)
        {
            expected.Add(("sslcert", TlsFiles.PostgresClientCertPath));
            expected.Add(("sslkey", TlsFiles.PostgresClientKeyPath));
        }
        var wrong = expected.Where(e => !settings.TryGetValue(e.Key, out var value) || value != e.Value).ToList();
        var stray = client ? [] : new[] { "sslcert", "sslkey" }.Where(settings.ContainsKey).ToList();
        if (wrong.Count == 0 && stray.Count == 0)
        {
            return null;
        }
        var keywords = string.Join(" ", expected.Select(e => $"{e.Key}={e.Value}"));
        var url = string.Join("&", expected.Select(e => $"{e.Key}={e.Value}"));
        var what = wrong.Count > 0
            ? $"does not set {string.Join(", ", wrong.Select(w => w.Key))} as spec.postgres.tls needs"
            : $"sets {string.Join(" and ", stray)} though spec.postgres.tls has no client certificate";
        return $"{what}: daprd's binding and the aggregator read the mounted files only through these settings. "
            + $"Write them into the string: {keywords} (as a URL: ?{url}).";
    }
}
