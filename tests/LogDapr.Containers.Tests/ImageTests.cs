using System.Text.Json;
using LogDapr.Containers.Tests.Support;
using LogDapr.TestSupport;

namespace LogDapr.Containers.Tests;

/// <summary>
/// Each shipped image, built by tools/scripts/build-images.sh on this machine's Debian base, run the way the chart runs
/// it: as a non-root user on a read-only root filesystem (only /tmp writable), configured by environment.
/// </summary>
[Collection(ImagesCollection.Name)]
public sealed class ImageTests(BuiltImages images)
{
    /// <summary>
    /// On the local Debian base (133 MB: minbase plus the libraries .NET needs) a self-contained program adds about
    /// 120 MB. The released images use Microsoft's chiseled runtime-deps base (about 12 MB) and are that much smaller.
    /// </summary>
    private const long MaxImageBytes = 300L * 1024 * 1024;

    private const string AppUser = "1654";

    public static TheoryData<string> ShippedPrograms => ["operator", "ingest", "aggregator"];

    [Theory]
    [MemberData(nameof(ShippedPrograms))]
    public async Task The_image_declares_a_numeric_non_root_user_its_port_and_its_OCI_labels(string program)
    {
        var inspected = await Podman.CheckAsync("image", "inspect", images.Image(program));
        var config = JsonDocument.Parse(inspected).RootElement[0].GetProperty("Config");

        Assert.Equal($"{AppUser}:{AppUser}", config.GetProperty("User").GetString());
        var labels = config.GetProperty("Labels");
        Assert.Equal(BuiltImages.Tag, labels.GetProperty("org.opencontainers.image.version").GetString());
        Assert.StartsWith("LogDapr", labels.GetProperty("org.opencontainers.image.title").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(labels.GetProperty("org.opencontainers.image.source").GetString()));
        // Ingest listens on its HTTP port and on OTLP/gRPC's 4317 by default (Ingest:OtlpGrpcPort); the others on one port.
        string[] expected = program == "ingest" ? ["4317/tcp", "8080/tcp"] : [HowToRun(program).Port.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/tcp"];
        Assert.Equal(expected, config.GetProperty("ExposedPorts").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ShippedPrograms))]
    public async Task The_container_answers_healthz_as_a_non_root_user_on_a_read_only_root(string program)
    {
        var (port, options, arguments) = HowToRun(program);
        await using var container = await RunningContainer.StartAsync(images.Image(program), port, ["--read-only", .. options], arguments);

        await container.WaitUntilOkAsync("/healthz", TimeSpan.FromSeconds(60));

        var users = await Podman.CheckAsync("top", container.Name, "huser", "user");
        var processUsers = users.Split('\n').Skip(1).SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.NotEmpty(processUsers);
        Assert.All(processUsers, user => Assert.Equal(AppUser, user));
        var readOnly = await Podman.CheckAsync("inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", container.Name);
        Assert.Equal("true", readOnly);
    }

    [Theory]
    [MemberData(nameof(ShippedPrograms))]
    public void The_image_stays_under_its_size_budget(string program)
    {
        var size = images.Size(program);
        Assert.True(size < MaxImageBytes, $"{program}: {size / 1024 / 1024} MiB, budget {MaxImageBytes / 1024 / 1024} MiB");
    }

    [Theory]
    [InlineData("redis.yaml")]
    [InlineData("kafka.yaml")]
    public async Task The_operator_renders_a_sample_inside_its_image_exactly_as_the_golden_file(string sample)
    {
        var samples = Repository.Path("manifests", "samples");
        var rendered = await Podman.CheckAsync(
        [
            "run", "--rm", "--read-only", .. Podman.Limits, "--network", "none",
            "--volume", $"{samples}:/samples:ro,Z", images.Image("operator"), "render", "-f", "/samples/" + sample,
        ]);

        var golden = File.ReadAllText(Repository.Path("tests", "LogDapr.Operator.Tests", "Golden", sample));
        Assert.Equal(golden.TrimEnd(), rendered.TrimEnd());
    }

    /// <summary>The least configuration each program needs to start: everything by environment, as the operator renders it.</summary>
    private static (int Port, string[] Options, string[] Arguments) HowToRun(string program) => program switch
    {
        "ingest" => (8080, ["--env", "Auth__Enabled=false"], []),
        "aggregator" => (8081,
            ["--env", "Postgres__ConnectionString=Host=127.0.0.1;Port=1;Username=logdapr;Database=logdapr", "--env", "APP_API_TOKEN=test-token", "--env", "Auth__Enabled=false"],
            []),
        // A kubeconfig naming an API server that is not there: liveness does not depend on the cluster.
        "operator" => (8081, ["--volume", $"{Kubeconfig()}:/config/kubeconfig:ro,Z"],
            ["run", "--kubeconfig", "/config/kubeconfig", "--leader-elect", "false"]),
        _ => throw new ArgumentOutOfRangeException(nameof(program), program, null),
    };

    private static string Kubeconfig()
    {
        var path = Path.Combine(Path.GetTempPath(), "logdapr-containers-kubeconfig.yaml");
        File.WriteAllText(path, """
            apiVersion: v1
            kind: Config
            clusters: [{name: absent, cluster: {server: "https://127.0.0.1:9"}}]
            users: [{name: absent, user: {token: none}}]
            contexts: [{name: absent, context: {cluster: absent, user: absent, namespace: default}}]
            current-context: absent
            """);
        return path;
    }
}
