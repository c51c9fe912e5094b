namespace LogDapr.LoadTest.Tests.Support;

public static class RepoPaths
{
    /// <summary>The clone's root: the first directory above the test binaries that holds LogDapr.sln.</summary>
    public static string Root { get; } = Find();

    public static string K6Scripts => Path.Combine(Root, "loadtest", "k6");

    public static string K6Check => Path.Combine(Root, "tests", "LogDapr.LoadTest.Tests", "K6");

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LogDapr.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("LogDapr.sln not found above " + AppContext.BaseDirectory);
    }
}
