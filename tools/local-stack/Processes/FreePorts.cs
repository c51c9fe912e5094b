using System.Net;
using System.Net.Sockets;

namespace LogDapr.LocalStack.Processes;

public static class FreePorts
{
    // Below Linux's ephemeral range (32768+): outgoing connections never take these, so a port found free here stays
    // free until our process binds it, unless another test process picks the same one (the start-up retries cover that).
    private const int First = 20000;
    private const int Last = 32000;
    private static readonly HashSet<int> HandedOut = [];

    /// <summary><paramref name="preferred"/> when nothing listens on it, else any free port.</summary>
    public static int PreferOrNext(int preferred) => IsFree(preferred) ? preferred : Next();

    /// <summary>A TCP port on loopback that nothing listens on right now and that this process has not handed out before.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            lock (HandedOut)
            {
                if (HandedOut.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                HandedOut.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"no free TCP port found between {First} and {Last}");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
