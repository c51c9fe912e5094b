using System.Net;
using System.Net.Sockets;

namespace LogDapr.LocalStack.Processes;

public static class FreePorts
{
    /// <summary><paramref name="preferred"/> when nothing listens on it, else any free port.</summary>
    public static int PreferOrNext(int preferred)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, preferred);
            listener.Start();
            return preferred;
        }
        catch (SocketException)
        {
            return Next();
        }
    }

    /// <summary>A TCP port on loopback that nothing listens on right now (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
