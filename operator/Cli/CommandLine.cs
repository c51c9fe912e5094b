using LogDapr.Operator.Entities.Schema;
using LogDapr.Operator.Hosting;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;

namespace LogDapr.Operator.Cli;

/// <summary>
/// logdapr-operator run             the controller (in a cluster, or against the current kubeconfig)
/// logdapr-operator render -f FILE  print the objects the controller would apply for the LogPipelines in FILE
/// logdapr-operator crd             print the LogPipeline CRD generated from the C# types
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: logdapr-operator <command> [options]

        Commands:
          run       Reconcile LogPipelines (in-cluster config, or --kubeconfig / ~/.kube/config).
                      --watch-namespaces a,b     namespaces to watch (default: all)
                      --leader-elect true|false  hold a Lease before reconciling (default: true)
                      --lease-name NAME          Lease name (default: logdapr-operator)
                      --lease-namespace NS       Lease namespace (default: $POD_NAMESPACE or default)
                      --workers N                parallel reconciles (default: 2)
                      --resync-seconds N         periodic full resync (default: 600)
                      --health-port N            /healthz and /readyz port (default: 8081)
                      --log-level LEVEL          trace|debug|information|warning|error (default: information)
                      --ingest-image IMAGE       default ingest image
                      --aggregator-image IMAGE   default aggregator image
                      --kubeconfig PATH          kubeconfig outside a cluster
          render    Print, as YAML, the exact objects the controller would apply; no cluster needed.
                      -f, --filename FILE|-      LogPipeline YAML (other kinds in the file are ignored)
                      -n, --namespace NS         namespace for documents that have none (default: default)
                      --ingest-image, --aggregator-image as for run
          crd       Print the LogPipeline CustomResourceDefinition.
                      -o, --output FILE          write to FILE instead of stdout
          version   Print the operator version.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, TextReader? stdin = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var arguments = Arguments.Parse(args);
        try
        {
            switch (arguments.Command)
            {
                case "render":
                    return Render(arguments, stdout, stderr, stdin ?? Console.In);
                case "crd":
                    return Crd(arguments, stdout);
                case "run":
                    return await OperatorHost.RunAsync(arguments).ConfigureAwait(false);
                case "version":
                    await stdout.WriteLineAsync(OperatorVersion.Current).ConfigureAwait(false);
                    return 0;
                case "" or "help":
                    await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
                    return arguments.Flag("--help", false) || arguments.Command == "help" ? 0 : 2;
                default:
                    await stderr.WriteLineAsync($"unknown command \"{arguments.Command}\"\n\n{Usage}").ConfigureAwait(false);
                    return 2;
            }
        }
        catch (Exception e) when (e is InvalidPipelineException or FormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            await stderr.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static int Render(Arguments arguments, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var file = arguments.Get("--filename") ?? arguments.Positional.FirstOrDefault();
        if (file is null)
        {
            stderr.WriteLine("error: render needs -f FILE (or - for standard input)");
            return 2;
        }
        var options = RenderOptionsFrom(arguments);
        var yaml = file == "-" ? stdin.ReadToEnd() : File.ReadAllText(file);
        var pipelines = LogPipelineDocuments.Parse(yaml, arguments.Get("--namespace", "default"));
        if (pipelines.Count == 0)
        {
            stderr.WriteLine($"error: no LogPipeline (apiVersion {Entities.LogPipeline.ApiVersionValue}) in {file}");
            return 1;
        }
        stdout.Write(RenderYaml(pipelines, options));
        return 0;
    }

    /// <summary>The text `render` prints; the golden tests compare exactly this.</summary>
    public static string RenderYaml(IEnumerable<Entities.LogPipeline> pipelines, RenderOptions options) =>
        YamlDocuments.Write(pipelines.SelectMany(p => PipelineRenderer.Render(p, options).Objects).Select(o => (System.Text.Json.Nodes.JsonNode)o.Object));

    internal static RenderOptions RenderOptionsFrom(Arguments arguments)
    {
        var options = RenderOptions.Default;
        if (arguments.Get("--ingest-image") is { } ingest)
        {
            options = options with { IngestImage = ingest };
        }
        if (arguments.Get("--aggregator-image") is { } aggregator)
        {
            options = options with { AggregatorImage = aggregator };
        }
        return options;
    }

    private static int Crd(Arguments arguments, TextWriter stdout)
    {
        var yaml = CrdGenerator.GenerateYaml();
        if (arguments.Get("--output") is { } path)
        {
            File.WriteAllText(path, yaml);
        }
        else
        {
            stdout.Write(yaml);
        }
        return 0;
    }
}
