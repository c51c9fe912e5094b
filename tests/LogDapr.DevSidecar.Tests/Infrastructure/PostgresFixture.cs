using System.Diagnostics;

namespace LogDapr.DevSidecar.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL server for the binding tests: initdb into a fresh directory under /tmp, started with
/// pg_ctl on a free loopback port, as the postgres user when the tests run as root (postgres refuses root).
/// Missing binaries fail the tests with what to install — they are never skipped silently.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private string dir = "";
    private string bin = "";
    private bool asPostgresUser;

    public int Port { get; private set; }

    /// <summary>pgx keyword/value form, as a Dapr component would carry it.</summary>
    public string PgxConnectionString => $"host=127.0.0.1 port={Port} user=postgres dbname=postgres sslmode=disable";

    public string NpgsqlConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;SSL Mode=Disable";

    public async Task InitializeAsync()
    {
        this.bin = FindBinaries();
        asPostgresUser = Environment.UserName == "root";
        dir = Path.Combine(Path.GetTempPath(), "ds-pg-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        if (asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", dir], asPostgres: false);
        }

        var data = Path.Combine(dir, "data");
        await RunAsync(Path.Combine(this.bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
        Port = Ports.Free();
        await RunAsync(Path.Combine(this.bin, "pg_ctl"),
        [
            "-D", data, "-l", Path.Combine(dir, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50", "start",
        ]);
    }

    public async Task DisposeAsync()
    {
        if (this.bin.Length > 0 && Directory.Exists(Path.Combine(dir, "data")))
        {
            await RunAsync(Path.Combine(this.bin, "pg_ctl"), ["-D", Path.Combine(dir, "data"), "-m", "immediate", "-w", "stop"]);
        }

        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } fromEnv)
        {
            candidates.Add(fromEnv);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin or $PG_BIN. "
                + "Install them (Debian: apt-get install postgresql) or point PG_BIN at the bin directory.");
    }

    private async Task RunAsync(string file, IReadOnlyList<string> args, bool? asPostgres = null)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres ?? asPostgresUser)
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = file;
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
