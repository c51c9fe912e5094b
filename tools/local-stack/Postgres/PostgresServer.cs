using System.Diagnostics;
using System.Globalization;
using LogDapr.Postgres;
using LogDapr.LocalStack.Processes;
using Npgsql;

namespace LogDapr.LocalStack.Postgres;

/// <summary>
/// A private PostgreSQL cluster from the machine's binaries: its own data directory, loopback only, a free port,
/// trust auth for the local user. Postgres refuses to run as root, so as root it runs as the 'postgres' user.
/// Stop and start again keep the data (used to simulate an outage).
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string Database = "logdapr";
    private const string User = "postgres";
    private readonly string binDirectory;
    private readonly string dataDirectory;
    private readonly string socketDirectory;
    private readonly string logFile;
    private readonly bool durable;

    private PostgresServer(string binDirectory, string rootDirectory, int port, bool durable)
    {
        this.binDirectory = binDirectory;
        this.durable = durable;
        Port = port;
        dataDirectory = Path.Combine(rootDirectory, "data");
        socketDirectory = Path.Combine(rootDirectory, "run");
        logFile = Path.Combine(rootDirectory, "postgres.log");
    }

    public int Port { get; }

    /// <summary>Npgsql form, for direct reads and test assertions.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={User};Database={Database};Pooling=false;Timeout=5";

    /// <summary>libpq form, read by Dapr's PostgreSQL binding (pgx) and, converted, by Npgsql.</summary>
    public string LibpqConnectionString => PostgresConnectionString.Libpq("127.0.0.1", Port, User, Database);

    public bool IsRunning { get; private set; }

    /// <param name="rootDirectory">Holds data/, run/ and the log; reused if it already has a cluster.</param>
    /// <param name="durable">False turns off fsync: fine for tests, not for data you keep.</param>
    public static async Task<PostgresServer> StartAsync(string binDirectory, string rootDirectory, int port, bool durable, CancellationToken cancellationToken)
    {
        var server = new PostgresServer(binDirectory, rootDirectory, port, durable);
        await server.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await server.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await server.CreateDatabaseAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            // Stopped (Ctrl+C) or failed before anyone owns the server: it must not outlive us.
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StopLeftoverAsync(cancellationToken).ConfigureAwait(false);
        var options = string.Join(' ',
            $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
            $"-k {socketDirectory}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=200",
            durable ? "" : "-c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        await RunAsync("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-o", options, "-w", "-t", "60", "start"], cancellationToken).ConfigureAwait(false);
        IsRunning = true;
    }

    /// <summary>
    /// A server still running on this data directory was left by a process that died without stopping it (its owner
    /// holds the directory exclusively while it lives): stop it, or starting on a new port fails on postmaster.pid.
    /// </summary>
    private async Task StopLeftoverAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            return;
        }

        // pg_ctl status: 0 = running, 3 = not running (a stale pid file, which postgres itself replaces at start).
        if (await RunAsync("pg_ctl", ["-D", dataDirectory, "status"], cancellationToken, allowFailure: true).ConfigureAwait(false) == 0)
        {
            await RunAsync("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken).ConfigureAwait(false);
            LeftoverStopped = true;
        }
    }

    /// <summary>True when <see cref="StartAsync(CancellationToken)"/> found and stopped a server left running by a crashed owner.</summary>
    public bool LeftoverStopped { get; private set; }

    /// <summary>Fast shutdown: open connections are cut, as in a database outage.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!IsRunning)
        {
            return;
        }

        await RunAsync("pg_ctl", ["-D", dataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], cancellationToken).ConfigureAwait(false);
        IsRunning = false;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Already stopped or never started: nothing to release.
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(socketDirectory);
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        Directory.CreateDirectory(dataDirectory);
        if (Environment.IsPrivilegedProcess)
        {
            await RunPlainAsync("chown", ["-R", $"{User}:{User}", Path.GetDirectoryName(dataDirectory)!], cancellationToken).ConfigureAwait(false);
        }

        await RunAsync("initdb", ["-D", dataDirectory, "-U", User, "--auth=trust", "-E", "UTF8", "--no-locale"], cancellationToken).ConfigureAwait(false);
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var admin = $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={User};Database=postgres;Pooling=false;Timeout=10";
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
        exists.Parameters.AddWithValue("name", Database);
        if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a Postgres tool, as the postgres user when this process is root.</summary>
    private Task<int> RunAsync(string tool, string[] arguments, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var path = Path.Combine(binDirectory, tool);
        return Environment.IsPrivilegedProcess
            ? RunPlainAsync("runuser", ["-u", User, "--", path, .. arguments], cancellationToken, allowFailure)
            : RunPlainAsync(path, arguments, cancellationToken, allowFailure);
    }

    private async Task<int> RunPlainAsync(string file, string[] arguments, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var info = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0 && !allowFailure)
        {
            var log = File.Exists(logFile) ? await File.ReadAllTextAsync(logFile, cancellationToken).ConfigureAwait(false) : "";
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await stderr.ConfigureAwait(false)}{await stdout.ConfigureAwait(false)}{Environment.NewLine}{Tail(log)}");
        }

        return process.ExitCode;
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}
