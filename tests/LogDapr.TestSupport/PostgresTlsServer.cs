using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using LogDapr.LocalStack.Postgres;
using LogDapr.LocalStack.Processes;
using Npgsql;

namespace LogDapr.TestSupport;

/// <summary>
/// A private Postgres from the machine's binaries that accepts TLS connections only (ssl=on, pg_hba hostssl), with a
/// server certificate for "localhost" and 127.0.0.1 signed by <see cref="Ca"/>, made in the test. Files live in a
/// scratch directory removed on dispose.
/// </summary>
public sealed class PostgresTlsServer : IAsyncDisposable
{
    private readonly string root;
    private readonly PostgresServer server;

    private PostgresTlsServer(string root, PostgresServer server, X509Certificate2 ca)
    {
        this.root = root;
        this.server = server;
        Ca = ca;
    }

    public X509Certificate2 Ca { get; }

    public int Port => server.Port;

    /// <summary>The PEM file of <see cref="Ca"/>, for sslrootcert.</summary>
    public string CaFile => Path.Combine(root, "ca.crt");

    /// <summary>A libpq connection string for the logdapr database with these TLS settings (e.g. "sslmode=verify-full sslrootcert=/x").</summary>
    public string Libpq(string tls) =>
        $"host=localhost port={Port.ToString(CultureInfo.InvariantCulture)} user=postgres dbname={PostgresServer.Database} {tls}";

    /// <summary>Writes <paramref name="pem"/> to a file in the scratch directory and returns its path.</summary>
    public string WriteFile(string name, string pem)
    {
        var path = Path.Combine(root, name);
        File.WriteAllText(path, pem);
        return path;
    }

    public static async Task<PostgresTlsServer> StartAsync()
    {
        var binaries = PostgresBinaries.Find() ?? throw new InvalidOperationException(
            $"These tests need the PostgreSQL server binaries; install them with: {PostgresBinaries.InstallCommand}");
        var root = ScratchDirectory.NewPath("logdapr-tests", "pg-tls");
        var ca = PostgresTlsCertificates.CreateCa("logdapr-test-postgres-ca");
        PostgresServer? server = null;
        try
        {
            server = await PostgresServer.StartAsync(binaries, root, FreePorts.Next(), durable: false, CancellationToken.None).ConfigureAwait(false);
            var tls = new PostgresTlsServer(root, server, ca);
            var leaf = PostgresTlsCertificates.Server(ca, "localhost");
            tls.WriteFile("ca.crt", PostgresTlsCertificates.CertificatePem(ca));
            var certFile = tls.WriteFile("server.crt", leaf.Certificate);
            var keyFile = tls.WriteFile("server.key", leaf.Key);
            // Postgres refuses a key file others can read, and runs as the postgres user when this process is root.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            if (Environment.IsPrivilegedProcess)
            {
                await RunAsync("chown", "postgres:postgres", certFile, keyFile).ConfigureAwait(false);
            }

            await using (var connection = new NpgsqlConnection(server.ConnectionString))
            {
                await connection.OpenAsync().ConfigureAwait(false);
                // ALTER SYSTEM takes no parameters; the paths are the test's own scratch paths, quoted as literals.
                foreach (var setting in new[] { $"ssl_cert_file = {Literal(certFile)}", $"ssl_key_file = {Literal(keyFile)}", "ssl = on" })
                {
                    await using var command = new NpgsqlCommand("ALTER SYSTEM SET " + setting, connection);
                    await command.ExecuteNonQueryAsync().ConfigureAwait(false);
                }
                // TLS only over TCP: no plain "host" line, so a connection without TLS is refused.
                await File.WriteAllTextAsync(Path.Combine(root, "data", "pg_hba.conf"), "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostssl all all ::1/128 trust\n").ConfigureAwait(false);
                await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
                await reload.ExecuteScalarAsync().ConfigureAwait(false);
            }

            // The reload is a signal: wait until a verified TLS connection works.
            var verified = new NpgsqlConnectionStringBuilder(server.ConnectionString) { Host = "localhost", SslMode = SslMode.VerifyFull, RootCertificate = tls.CaFile }.ConnectionString;
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        await using var connection = new NpgsqlConnection(verified);
                        await connection.OpenAsync().ConfigureAwait(false);
                        return true;
                    }
                    catch (NpgsqlException)
                    {
                        return false;
                    }
                },
                "Postgres accepts TLS connections after ssl=on").ConfigureAwait(false);
            return tls;
        }
        catch
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            ca.Dispose();
            ScratchDirectory.Remove(root);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await server.DisposeAsync().ConfigureAwait(false);
        Ca.Dispose();
        ScratchDirectory.Remove(root);
    }

    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode})");
        }
    }
}
