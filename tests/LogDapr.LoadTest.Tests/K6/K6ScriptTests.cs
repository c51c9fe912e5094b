using System.Diagnostics;
using LogDapr.LoadTest.Tests.Support;

namespace LogDapr.LoadTest.Tests.K6;

/// <summary>
/// The k6 scripts cannot be run here (no k6 binary), so they are checked with Node: `node --check` for syntax, then
/// each is imported with k6's modules stubbed (K6/hooks.mjs; for this check only), which resolves every import and
/// named export, validates executors and thresholds, and runs setup and each scenario once.
/// </summary>
public class K6ScriptTests
{
    public static TheoryData<string> Scripts()
    {
        var data = new TheoryData<string>();
        foreach (var script in Directory.GetFiles(RepoPaths.K6Scripts, "*.js").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(script));
        }

        return data;
    }

    [Fact]
    public void Every_kind_of_run_has_a_script()
    {
        var scripts = Directory.GetFiles(RepoPaths.K6Scripts, "*.js").Select(Path.GetFileNameWithoutExtension).ToHashSet();
        Assert.Superset(new HashSet<string?> { "smoke", "constant-rate", "ramp", "spike", "soak" }, scripts);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_passes_the_check(string script)
    {
        var (exit, output) = Check(Path.Combine(RepoPaths.K6Scripts, script));
        Assert.True(exit == 0, $"{script} failed the k6 check:{Environment.NewLine}{output}");
    }

    [Fact]
    public void The_check_fails_on_a_syntax_error()
    {
        var (exit, output) = CheckSample("broken.js", """
            import http from 'k6/http';
            export default function () {
              http.post('http://localhost/v1/logs', JSON.stringify({ a: 1 }, { headers: {} });
            }
            """);
        Assert.NotEqual(0, exit);
        Assert.Contains("syntax error", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_check_fails_on_an_import_k6_does_not_have()
    {
        var (exit, output) = CheckSample("badimport.js", """
            import { Histogram } from 'k6/metrics';
            export default function () { new Histogram('x'); }
            """);
        Assert.NotEqual(0, exit);
        Assert.Contains("Histogram", output, StringComparison.Ordinal);

        (exit, output) = CheckSample("badmodule.js", """
            import ws from 'k6/websockets-typo';
            export default function () { ws.connect(); }
            """);
        Assert.NotEqual(0, exit);
        Assert.Contains("unknown k6 module", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_check_fails_on_a_malformed_threshold_and_a_missing_scenario_function()
    {
        var (exit, output) = CheckSample("badoptions.js", """
            export const options = {
              scenarios: { s: { executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 1, exec: 'nope' } },
              thresholds: { http_req_duration: ['p95 < 5ms'] },
            };
            export default function () {}
            """);
        Assert.NotEqual(0, exit);
        Assert.Contains("exec function 'nope'", output, StringComparison.Ordinal);
        Assert.Contains("p95 < 5ms", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scripts))]
    public void Script_prints_its_run_id_and_tenants_so_the_counts_can_be_read_back(string script)
    {
        var info = new Dictionary<string, string> { ["RUN_ID"] = "rb-check", ["TENANTS"] = "2" };
        var (exit, output) = Check(Path.Combine(RepoPaths.K6Scripts, script), info);
        Assert.True(exit == 0, output);
        Assert.Contains("logdapr run rb-check: tenants rb-check-t0,rb-check-t1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_check_fails_a_script_whose_expected_answers_breach_its_own_failed_request_threshold()
    {
        var (exit, output) = CheckSample("selffail.js", """
            import http from 'k6/http';
            http.setResponseCallback(http.expectedStatuses(202));
            export const options = { thresholds: { http_req_failed: ['rate<0.01'] } };
            export function setup() { http.get('http://localhost/readyz'); }
            export default function () { http.post('http://localhost/v1/logs', '{}'); }
            """);
        Assert.NotEqual(0, exit);
        Assert.Contains("fails its own threshold http_req_failed", output, StringComparison.Ordinal);
        Assert.Contains("GET http://localhost/readyz -> 200", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_correct_sample_passes()
    {
        var (exit, output) = CheckSample("good.js", """
            import http from 'k6/http';
            import { check } from 'k6';
            export const options = { thresholds: { 'http_req_duration{kind:single}': ['p(99)<5'] } };
            export default function () { check(http.get('http://localhost/readyz'), { ok: (r) => r.status === 200 }); }
            """);
        Assert.True(exit == 0, output);
    }

    private static (int Exit, string Output) CheckSample(string name, string source)
    {
        var directory = Directory.CreateTempSubdirectory("k6-check-");
        try
        {
            var path = Path.Combine(directory.FullName, name);
            File.WriteAllText(path, source);
            return Check(path);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static (int Exit, string Output) Check(string script, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add("--import");
        info.ArgumentList.Add(new Uri(Path.Combine(RepoPaths.K6Check, "register.mjs")).AbsoluteUri);
        info.ArgumentList.Add(Path.Combine(RepoPaths.K6Check, "check.mjs"));
        info.ArgumentList.Add(script);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("node could not be started (is Node.js 20+ on PATH?)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "node did not finish within 60 s");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
