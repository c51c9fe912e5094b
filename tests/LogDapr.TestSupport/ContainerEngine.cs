using System.Net.Sockets;

namespace LogDapr.TestSupport;

/// <summary>Whether a container engine answers here, so Testcontainers can be used instead of the machine's binaries.</summary>
public static class ContainerEngine
{
    private static readonly Lazy<bool> Available = new(Probe);

    public static bool IsAvailable => Available.Value;

    /// <summary>Where the engine is looked for: DOCKER_HOST, else Docker's default socket.</summary>
    public static string Endpoint => Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";

    private static bool Probe()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        var socketPath = Endpoint["unix://".Length..];
        if (host is { Length: > 0 } && !host.StartsWith("unix://", StringComparison.Ordinal))
        {
            // A TCP engine: let Testcontainers try it.
            return true;
        }

        if (!File.Exists(socketPath))
        {
            return false;
        }

        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            using var stream = new NetworkStream(socket);
            var request = "GET /_ping HTTP/1.0\r\n\r\n"u8.ToArray();
            stream.Write(request);
            stream.ReadTimeout = 2000;
            var buffer = new byte[64];
            var read = stream.Read(buffer);
            return read > 0 && System.Text.Encoding.ASCII.GetString(buffer, 0, read).Contains(" 200 ", StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is SocketException or IOException)
        {
            return false;
        }
    }
}
