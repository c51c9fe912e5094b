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
        return new RunningContainer(name, await Podman.PublishedAddressAsync(name, port));
    }

    /// <summary>Polls a path until it answers 2xx, or fails with the container's own log.</summary>
    public Task WaitUntilOkAsync(string path, TimeSpan timeout) => Podman.WaitUntilOkAsync(BaseAddress, path, timeout, LogsAsync);

    public async Task<string> LogsAsync()
    {
        var (_, stdout, stderr) = await Podman.RunAsync(TimeSpan.FromSeconds(30), "logs", "--tail", "40", Name);
        return stdout + Environment.NewLine + stderr;
    }

    public async ValueTask DisposeAsync() => await Podman.RemoveAsync("container", Name);
}
