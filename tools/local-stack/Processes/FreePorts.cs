using System.Net;
using System.Net.Sockets;

namespace LogDapr.LocalStack.Processes;

public static class FreePorts
{
    /// <summary>A TCP port on loopback that nothing listens on right now (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
