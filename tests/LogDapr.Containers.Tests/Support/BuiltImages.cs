using System.Diagnostics;
using System.Globalization;
using LogDapr.TestSupport;

namespace LogDapr.Containers.Tests.Support;

/// <summary>
/// Builds every image once per test run with the repository's own script (tools/scripts/build-images.sh), exactly
/// as a developer would, and remembers each image's name and size.
/// </summary>
public sealed class BuiltImages : IAsyncLifetime
{
    public const string Tag = "0.0.0-test";

    private readonly Dictionary<string, (string Image, long Size)> images = new(StringComparer.Ordinal);

    public string BuildOutput { get; private set; } = "";

    public string Image(string program) => images.TryGetValue(program, out var built)
        ? built.Image
        : throw new InvalidOperationException($"no image was built for {program}:{Environment.NewLine}{BuildOutput}");

    public long Size(string program) => images[program].Size;

    public async Task InitializeAsync()
    {
        // While iterating on a test, LOGDAPR_TEST_IMAGES=existing reuses the images a previous run built (and says so).
        if (Environment.GetEnvironmentVariable("LOGDAPR_TEST_IMAGES") == "existing")
        {
            await UseExistingAsync();
            return;
        }

        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Repository.Root,
        };
        start.ArgumentList.Add(Repository.Path("tools", "scripts", "build-images.sh"));
        start.Environment["LOGDAPR_IMAGE_TAG"] = Tag;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(40));
        await process.WaitForExitAsync(cancel.Token);
        BuildOutput = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"build-images.sh exited {process.ExitCode}:{Environment.NewLine}{BuildOutput}");
        }

        foreach (var line in (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split(' ');
            var image = parts[0];
            var program = image[(image.LastIndexOf('/') + 1)..image.LastIndexOf(':')];
            images[program] = (image, long.Parse(parts[1], CultureInfo.InvariantCulture));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task UseExistingAsync()
    {
        Console.WriteLine($"LOGDAPR_TEST_IMAGES=existing: using the images tagged {Tag} from an earlier build");
        foreach (var program in new[] { "operator", "ingest", "aggregator", "dev-sidecar" })
        {
            var image = $"ghcr.io/logdapr/{program}:{Tag}";
            var size = await Podman.CheckAsync("image", "inspect", "--format", "{{.Size}}", image);
            images[program] = (image, long.Parse(size, CultureInfo.InvariantCulture));
        }

        images["postgres"] = ("localhost/logdapr-test/postgres:15", 0);
    }
}

[CollectionDefinition(Name)]
public sealed class ImagesCollection : ICollectionFixture<BuiltImages>
{
    public const string Name = "images";
}
