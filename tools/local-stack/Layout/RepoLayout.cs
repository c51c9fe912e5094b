using System.Reflection;

namespace LogDapr.LocalStack.Layout;

/// <summary>Where the repository and the built binaries of the apps are, found from this assembly's location.</summary>
public sealed class RepoLayout
{
    private RepoLayout(string root, string configuration)
    {
        Root = root;
        Configuration = configuration;
    }

    public string Root { get; }

    /// <summary>The build configuration this assembly was built with; the apps are run from the same one.</summary>
    public string Configuration { get; }

    public string ComponentsDirectory => Path.Combine(Root, "components");

    public string IngestDll => AppDll("services/ingest", "logdapr-ingest");
    public string AggregatorDll => AppDll("services/aggregator", "logdapr-aggregator");
    public string SidecarDll => AppDll("tools/dev-sidecar", "logdapr-dev-sidecar");
    public string LocalRunnerDll => AppDll("tools/local-runner", "logdapr-local");

    public static RepoLayout Discover()
    {
        var configuration = typeof(RepoLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Debug";
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LogDapr.sln")))
        {
            directory = directory.Parent;
        }

        return directory is null
            ? throw new InvalidOperationException($"LogDapr.sln not found above {AppContext.BaseDirectory}; run from a clone of the repository.")
            : new RepoLayout(directory.FullName, configuration);
    }

    private string AppDll(string projectDirectory, string assemblyName)
    {
        var path = Path.Combine(Root, projectDirectory, "bin", Configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{path} is missing; build the solution first (dotnet build LogDapr.sln -c {Configuration}).", path);
    }
}
