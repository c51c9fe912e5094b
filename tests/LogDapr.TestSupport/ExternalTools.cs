using System.Diagnostics;
using Xunit;

namespace LogDapr.TestSupport;

/// <summary>
/// The command-line tools the chart and alert tests run (operator and observability tests): helm (tools/scripts/ensure-helm.sh puts it in .tools/bin; LOGDAPR_HELM
/// overrides) and promtool (Debian's prometheus package, installed by tools/scripts/install-test-deps.sh;
/// LOGDAPR_PROMTOOL overrides).
/// </summary>
public static class ExternalTools
{
    public static string Helm => Find("LOGDAPR_HELM", Repository.Path(".tools", "bin", "helm"), "helm",
        "Run tools/scripts/ensure-helm.sh (it puts helm in .tools/bin) or set LOGDAPR_HELM.");

    public static string Promtool => Find("LOGDAPR_PROMTOOL", "/usr/bin/promtool", "promtool",
        "Install Debian's prometheus package (tools/scripts/install-test-deps.sh does) or set LOGDAPR_PROMTOOL.");

    public static string Redocly => Find("LOGDAPR_REDOCLY", Repository.Path(".tools", "npm", "node_modules", ".bin", "redocly"), "redocly",
        "Run tools/scripts/ensure-redocly.sh (it installs Redocly CLI from npm into .tools/npm) or set LOGDAPR_REDOCLY.");

    public static (int Exit, string Output) Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Keep helm away from the user's caches and repositories.
        var home = Path.Combine(Path.GetTempPath(), "logdapr-helm-home");
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(home, "cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(home, "config");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(home, "data");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} timed out");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static string Find(string variable, string preferred, string name, string hint)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } configured)
        {
            return configured;
        }

        if (File.Exists(preferred))
        {
            return preferred;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
        return onPath ?? throw new InvalidOperationException($"{name} not found. {hint}");
    }
}
