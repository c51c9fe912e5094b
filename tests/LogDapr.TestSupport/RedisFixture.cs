using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using LogDapr.LocalStack.Processes;
using LogDapr.LocalStack.Tls;
using Testcontainers.Redis;
using Xunit;
using Xunit.Abstractions;

namespace LogDapr.TestSupport;

/// <summary>
/// A real Redis for tests: a Testcontainers container when a container engine answers, otherwise a private
/// redis-server from the machine's binaries (no persistence, loopback, a free port); <see cref="TestBackend"/>
/// chooses, and the test output says which ran. Tests can stop and start it
/// to simulate an outage; the port stays the same. Fails with what to install when neither is possible.
/// <see cref="WithTls"/> gives one that speaks TLS only (always from the binaries), with the server certificate of a
/// <see cref="LocalTlsFiles"/>, and optionally requires client certificates from its CA.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public const string InstallCommand = "sudo apt-get install -y redis-server";
    private RedisContainer? container;
    private readonly IMessageSink? diagnostics;
    private readonly TestBackendKind? requested;
    private ManagedProcess? server;
    private string? directory;
    private LocalTlsFiles? tls;
    private bool requireClientCertificates;

    /// <summary>As xunit creates it for a class or collection: the backend the environment asks for, reported.</summary>
    public RedisFixture(IMessageSink diagnostics)
        : this(diagnostics, null)
    {
    }

    private RedisFixture(IMessageSink? diagnostics, TestBackendKind? backend)
    {
        this.diagnostics = diagnostics;
        requested = backend;
    }

    /// <summary>
    /// One a test or another fixture starts and disposes itself; <paramref name="backend"/> overrides the environment
    /// (tests of the fallback itself), <paramref name="diagnostics"/> receives the line naming the backend.
    /// </summary>
    public static RedisFixture Standalone(TestBackendKind? backend = null, IMessageSink? diagnostics = null) => new(diagnostics, backend);

    /// <summary>
    /// A redis-server that accepts TLS only (<c>--port 0 --tls-port</c>), serving <paramref name="files"/>' certificate
    /// for localhost and 127.0.0.1; with <paramref name="requireClientCertificates"/>, <c>tls-auth-clients yes</c>
    /// against the same CA. Connect with <see cref="TlsConnectionString"/>.
    /// </summary>
    public static RedisFixture WithTls(LocalTlsFiles files, bool requireClientCertificates = false, IMessageSink? diagnostics = null)
        => new(diagnostics, TestBackendKind.Binaries) { tls = files, requireClientCertificates = requireClientCertificates };

    /// <summary>StackExchange.Redis configuration string of a <see cref="WithTls"/> server: by address, checked as localhost.</summary>
    public string TlsConnectionString => $"{ConnectionString},ssl=true,sslHost=localhost";

    public TestBackendKind Backend { get; private set; }

    public int Port { get; private set; }

    /// <summary>StackExchange.Redis configuration string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public async Task InitializeAsync()
    {
        Backend = requested ?? TestBackend.Choose();
        if (Backend == TestBackendKind.Containers)
        {
            Port = FreePorts.Next();
            container = new RedisBuilder(TestBackend.RedisImage).WithCreateParameterModifier(parameters => parameters.HostConfig!.Ulimits = [.. TestBackend.ContainerUlimits()]).WithPortBinding(Port, 6379).Build();
            await container.StartAsync().ConfigureAwait(false);
            TestBackend.Report(diagnostics, "Redis", Backend, TestBackend.RedisImage);
            return;
        }

        var binary = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException($"These tests need Redis: no container engine answers and redis-server is not installed. Install it with: {InstallCommand}");
        Port = FreePorts.Next();
        directory = ScratchDirectory.NewPath("logdapr-tests", "redis");
        string[] listen = tls is null
            ? ["--port", Port.ToString(CultureInfo.InvariantCulture)]
            : ["--port", "0", "--tls-port", Port.ToString(CultureInfo.InvariantCulture), "--tls-cert-file", tls.CertificateFile, "--tls-key-file", tls.KeyFile,
                "--tls-ca-cert-file", tls.CaFile, "--tls-auth-clients", requireClientCertificates ? "yes" : "no"];
        server = new ManagedProcess(new ProcessSpec("redis", binary,
            [.. listen, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", Path.GetTempPath()],
            new Dictionary<string, string?>()), directory);
        await StartAsync().ConfigureAwait(false);
        TestBackend.Report(diagnostics, "Redis", Backend, binary);
    }

    /// <summary>Stops Redis abruptly, as a crash would.</summary>
    public async Task StopAsync()
    {
        if (container is not null)
        {
            await container.StopAsync().ConfigureAwait(false);
        }
        else
        {
            await server!.KillAsync().ConfigureAwait(false);
        }
    }

    public async Task StartAsync()
    {
        if (container is not null)
        {
            await container.StartAsync().ConfigureAwait(false);
            return;
        }

        server!.Start();
        await WaitForPongAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>Waits until Redis answers PING on its port (the process's earlier output would not tell a restart apart).</summary>
    private async Task WaitForPongAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", Port).ConfigureAwait(false);
                await using var stream = await OpenAsync(client).ConfigureAwait(false);
                await stream.WriteAsync("PING\r\n"u8.ToArray()).ConfigureAwait(false);
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer).ConfigureAwait(false);
                if (System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or System.Security.Authentication.AuthenticationException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server did not answer PING within {timeout}.{Environment.NewLine}{server?.Tail()}");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>The plain stream, or for a TLS server a handshake trusting its CA (with a client certificate from it when required).</summary>
    private async Task<Stream> OpenAsync(System.Net.Sockets.TcpClient client)
    {
        if (tls is null)
        {
            return client.GetStream();
        }

        var ssl = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
        using var certificate = requireClientCertificates ? LocalCertificates.IssueClient(tls.Ca, "CN=redis-fixture", [], TimeSpan.FromHours(1)) : null;
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, remote, _, errors) => tls.Trusts(remote, errors),
            ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
        }).ConfigureAwait(false);
        return ssl;
    }

    public async Task DisposeAsync()
    {
        if (container is not null)
        {
            await container.DisposeAsync().ConfigureAwait(false);
        }

        if (server is not null)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        ScratchDirectory.Remove(directory);
    }
}
