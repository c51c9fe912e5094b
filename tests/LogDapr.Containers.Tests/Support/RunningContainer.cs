using System.Globalization;

namespace LogDapr.Containers.Tests.Support;

/// <summary>A detached container with one port published on a random loopback port; removed on dispose.</summary>
public sealed class RunningContainer : IAsyncDisposable
{
    private RunningContainer(string name, Uri baseAddress)
    {
        Name = name;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public static async Task<RunningContainer> StartAsync(string image, int port, IEnumerable<string> podmanOptions, IEnumerable<string> programArguments)
    {
        var name = "logdapr-test-" + Guid.NewGuid().ToString("N")[..12];
        await Podman.CheckAsync(
        [
            "run", "--detach", "--name", name, .. Podman.Limits,
            "--publish", $"127.0.0.1::{port.ToString(CultureInfo.InvariantCulture)}",
            .. podmanOptions, image, .. programArguments,
        ]);
        var mapping = await Podman.CheckAsync("port", name, port.ToString(CultureInfo.InvariantCulture));
        var hostPort = mapping.Split('\n')[0].Trim()[(mapping.LastIndexOf(':') + 1)..];
        return new RunningContainer(name, new Uri($"http://127.0.0.1:{hostPort}/"));
    }

    /// <summary>Polls a path until it answers 200, or fails with the container's own log.</summary>
    public async Task WaitUntilOkAsync(string path, TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(path);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{Name} did not answer {path} within {timeout}:{Environment.NewLine}{await LogsAsync()}");
            }

            await Task.Delay(250);
        }
    }

    public async Task<string> LogsAsync()
    {
        var (_, stdout, stderr) = await Podman.RunAsync(TimeSpan.FromSeconds(30), "logs", "--tail", "40", Name);
        return stdout + Environment.NewLine + stderr;
    }

    public async ValueTask DisposeAsync() => await Podman.RemoveAsync("container", Name);
}
