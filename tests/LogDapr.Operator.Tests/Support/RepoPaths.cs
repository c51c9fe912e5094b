using LogDapr.TestSupport;

namespace LogDapr.Operator.Tests.Support;

/// <summary>Files of the repository the tests read (samples, CRDs, chart, golden files).</summary>
public static class RepoPaths
{
    public static string Root => Repository.Root;

    public static string Path(params string[] parts) => Repository.Path(parts);

    public static string CrdFile => Path("manifests", "crds", "logdapr.io_logpipelines.yaml");

    public static string ChartCrdFile => Path("charts", "logdapr", "files", "crds", "logdapr.io_logpipelines.yaml");

    public static string Chart => Path("charts", "logdapr");

    public static string SamplesDirectory => Path("manifests", "samples");

    public static string GoldenDirectory => Path("tests", "LogDapr.Operator.Tests", "Golden");

    public static string InvalidSamplesDirectory => Path("tests", "LogDapr.Operator.Tests", "InvalidSamples");

    /// <summary>LOGDAPR_UPDATE_GOLDEN=1 rewrites expected files instead of comparing (review the git diff after).</summary>
    public static bool UpdateGolden => Environment.GetEnvironmentVariable("LOGDAPR_UPDATE_GOLDEN") is "1" or "true";
}
