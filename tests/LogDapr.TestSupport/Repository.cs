using LogDapr.LocalStack.Layout;

namespace LogDapr.TestSupport;

/// <summary>
/// The clone the tests run from. Found the way the local stack finds it (<see cref="RepoLayout"/>: the first
/// directory above the binaries that holds LogDapr.sln), so tests and tools agree on one root.
/// </summary>
public static class Repository
{
    public static RepoLayout Layout { get; } = RepoLayout.Discover();

    public static string Root => Layout.Root;

    /// <summary>A path under the root, from its parts (<c>Repository.Path("charts", "logdapr")</c>).</summary>
    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);
}
