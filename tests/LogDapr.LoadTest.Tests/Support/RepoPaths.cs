using LogDapr.TestSupport;

namespace LogDapr.LoadTest.Tests.Support;

/// <summary>The load-test files of the clone the tests run from.</summary>
public static class RepoPaths
{
    public static string Root => Repository.Root;

    public static string K6Scripts => Repository.Path("loadtest", "k6");

    public static string K6Check => Repository.Path("tests", "LogDapr.LoadTest.Tests", "K6");
}
