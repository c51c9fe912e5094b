using System.Net.Sockets;
using System.Text;

namespace LogDapr.Ingest.Tests.Support;

/// <summary>
/// An HTTP/1.1 request written byte by byte on a real socket, for what HttpClient will not send: bodies shorter
/// than their Content-Length, chunked bodies that stop, bodies that trickle.
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient client = new() { NoDelay = true };
    private NetworkStream? stream;

    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        var raw = new RawHttp();
        await raw.client.ConnectAsync(server.Host, server.Port);
        raw.stream = raw.client.GetStream();
        return raw;
    }

    /// <summary>Sends the request line and headers of a POST /v1/logs with the given extra header lines.</summary>
    public Task SendHeadAsync(params string[] headers)
        => SendAsync(Encoding.ASCII.GetBytes("POST /v1/logs HTTP/1.1\r\nHost: ingest\r\nContent-Type: application/json\r\n"
            + string.Concat(headers.Select(h => h + "\r\n")) + "\r\n"));

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await stream!.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    /// <summary>Sends <paramref name="bytes"/> in pieces of <paramref name="piece"/> bytes, waiting <paramref name="pause"/> between them.</summary>
    public async Task TrickleAsync(ReadOnlyMemory<byte> bytes, int piece, TimeSpan pause, CancellationToken cancellationToken)
    {
        for (var sent = 0; sent < bytes.Length && !cancellationToken.IsCancellationRequested; sent += piece)
        {
            try
            {
                await SendAsync(bytes.Slice(sent, Math.Min(piece, bytes.Length - sent)));
                await Task.Delay(pause, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                // The server answered and closed the connection: the answer is what the test reads.
                return;
            }
        }
    }

    /// <summary>Half-closes the connection: the server sees the end of the request bytes but can still answer.</summary>
    public void EndRequest() => client.Client.Shutdown(SocketShutdown.Send);

    /// <summary>The status code of the answer (0 when the server closed without one) and its text.</summary>
    public async Task<(int Status, string Text)> ReadResponseAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            while (true)
            {
                var read = await stream!.ReadAsync(buffer, cancel.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
                var text = Encoding.UTF8.GetString(received.ToArray());
                if (IsComplete(text))
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            // Closed without an answer, or none within the timeout: the status reads 0.
        }

        var answer = Encoding.UTF8.GetString(received.ToArray());
        return (answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? int.Parse(answer.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture) : 0, answer);
    }

    private static bool IsComplete(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var head = text[..end];
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        if (lengthLine is not null)
        {
            return Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }

        return head.Contains("chunked", StringComparison.OrdinalIgnoreCase) && text.EndsWith("0\r\n\r\n", StringComparison.Ordinal);
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
