using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using LogDapr.LoadGen.Payload;
using LogDapr.LocalStack.Processes;
using Npgsql;

namespace LogDapr.Bench.Baselines;

/// <summary>
/// The peer a user would otherwise pick: a private rsyslogd (own config, pid file, work directory and free port; the
/// system rsyslog is never used) receiving the same events as RFC 5424 syslog over TCP, parsing their JSON
/// (mmjsonparse) and inserting one row per event with ompgsql into the pipeline's Postgres. Measured from the first
/// send until the last event is queryable.
/// </summary>
public sealed class RsyslogPeer : IAsyncDisposable
{
    private const string Table = "bench_rsyslog.events";
    private readonly ManagedProcess process;
    private readonly string connectionString;
    private readonly int port;

    private RsyslogPeer(ManagedProcess process, string connectionString, int port)
    {
        this.process = process;
        this.connectionString = connectionString;
        this.port = port;
    }

    public sealed record Result(long Events, TimeSpan SendTime, TimeSpan SendToQueryable, long RowsInTable, int Workers)
    {
        public double EventsPerSecond => Events / SendToQueryable.TotalSeconds;
        public bool Complete => RowsInTable == Events;
    }

    public int? ProcessId => process.ProcessId;

    public static async Task<RsyslogPeer> StartAsync(string directory, string npgsqlConnectionString, int postgresPort, int workers, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var work = Path.Combine(directory, "work");
        Directory.CreateDirectory(work);
        await using (var connection = new NpgsqlConnection(npgsqlConnectionString))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var create = new NpgsqlCommand($"""
                CREATE SCHEMA IF NOT EXISTS bench_rsyslog;
                DROP TABLE IF EXISTS {Table};
                CREATE TABLE {Table} (tenant_id text, service text, severity text, ts timestamptz, host text, message text);
                """, connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var port = FreePorts.Next();
        var config = Path.Combine(directory, "rsyslog.conf");
        await File.WriteAllTextAsync(config, Config(work, port, postgresPort, workers), cancellationToken).ConfigureAwait(false);
        var process = new ManagedProcess(
            new ProcessSpec("rsyslogd", RsyslogInstall.DaemonPath, ["-n", "-f", config, "-i", Path.Combine(directory, "rsyslogd.pid")], new Dictionary<string, string?>()),
            Path.Combine(directory, "logs"));
        process.Start();
        var peer = new RsyslogPeer(process, npgsqlConnectionString, port);
        await peer.WaitForPortAsync(TimeSpan.FromSeconds(15), cancellationToken).ConfigureAwait(false);
        return peer;
    }

    /// <summary>Sends the valid events of <paramref name="templates"/> (cycling) until <paramref name="events"/> were sent, then waits until all are rows.</summary>
    public async Task<Result> RunAsync(IReadOnlyList<RequestTemplate> templates, long events, int workers, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var valid = templates.SelectMany(t => t.Events).Where(e => e.Valid).Select(e => e.Json).ToArray();
        var watch = Stopwatch.StartNew();
        using (var client = new TcpClient { NoDelay = false, SendBufferSize = 1 << 20 })
        {
            await client.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
            await using var stream = new BufferedStream(client.GetStream(), 256 * 1024);
            var stamp = new byte[RequestTemplate.TimestampLength];
            for (long i = 0; i < events; i++)
            {
                if (i % 1000 == 0)
                {
                    RequestTemplate.Format(DateTime.UtcNow, stamp);
                }

                var json = valid[(int)(i % valid.Length)].Replace("0000-00-00T00:00:00.000Z", Encoding.ASCII.GetString(stamp), StringComparison.Ordinal);
                var line = $"<134>1 {Encoding.ASCII.GetString(stamp)} bench logdapr-bench - - - {json}\n";
                await stream.WriteAsync(Encoding.UTF8.GetBytes(line), cancellationToken).ConfigureAwait(false);
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        var sent = watch.Elapsed;
        var rows = 0L;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        while (watch.Elapsed < timeout)
        {
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {Table}", connection);
            rows = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (rows >= events)
            {
                break;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return new Result(events, sent, watch.Elapsed, rows, workers);
    }

    public string Tail() => process.Tail(20);

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync().ConfigureAwait(false);
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync().ConfigureAwait(false);
            await using var drop = new NpgsqlCommand("DROP SCHEMA IF EXISTS bench_rsyslog CASCADE", connection);
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        catch (NpgsqlException)
        {
            // The database may already be gone at the end of a run; the schema goes with it.
        }
    }

    /// <remarks>
    /// Tuned the way a user would for throughput: in-memory queues, batches of 1,000 per transaction, one database
    /// worker per core. ompgsql inserts each message with its own INSERT (there is no COPY mode), inside one
    /// transaction per batch.
    /// </remarks>
    private static string Config(string work, int port, int postgresPort, int workers) => string.Create(CultureInfo.InvariantCulture, $$"""
        # Generated by loadtest/bench for one benchmark run: a private rsyslogd, not the system's.
        global(workDirectory="{{work}}")
        main_queue(queue.type="LinkedList" queue.size="1000000")
        module(load="imptcp")
        module(load="mmjsonparse")
        module(load="ompgsql")
        template(name="logdapr_row" type="list" option.stdsql="on") {
          constant(value="INSERT INTO {{Table}} (tenant_id, service, severity, ts, host, message) VALUES ('")
          property(name="$!tenant_id") constant(value="','")
          property(name="$!service") constant(value="','")
          property(name="$!severity") constant(value="','")
          property(name="$!timestamp") constant(value="','")
          property(name="$!host") constant(value="','")
          property(name="$!message") constant(value="')")
        }
        ruleset(name="logdapr" queue.type="LinkedList" queue.size="1000000") {
          action(type="mmjsonparse" cookie="")
          action(type="ompgsql" conninfo="postgresql://postgres@127.0.0.1:{{postgresPort}}/logdapr" template="logdapr_row"
                 queue.type="LinkedList" queue.size="1000000" queue.dequeueBatchSize="1000" queue.workerThreads="{{workers}}"
                 action.resumeRetryCount="-1")
        }
        input(type="imptcp" address="127.0.0.1" port="{{port}}" ruleset="logdapr")
        """);

    private async Task WaitForPortAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (!process.IsRunning)
            {
                throw new InvalidOperationException($"rsyslogd exited at start-up.{Environment.NewLine}{process.Tail()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
