using System.CommandLine;
using LogDapr.Formats.Yaml;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Rendering;
using LogDapr.Operator.Serialization;

namespace LogDapr.Operator.Cli;

/// <summary>
/// logdapr-operator run             the controller (in a cluster, or against the current kubeconfig)
/// logdapr-operator render -f FILE  print the objects the controller would apply for the LogPipelines in FILE
/// logdapr-operator crd             print the LogPipeline CRD generated from the C# types
/// logdapr-operator version         print the operator version
/// Exit codes: 0 done, 1 the input or the cluster was unusable, 2 the command line was wrong.
/// </summary>
public static class CommandLine
{
    /// <summary>The first line of the top-level help; the executable's name is fixed, whatever host runs it.</summary>
    public const string UsageLine = "Usage: logdapr-operator <command> [options]";

    public static async Task<int> RunAsync(string[] args, TextWriter? stdout = null, TextWriter? stderr = null, TextReader? stdin = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var root = Create(stdin ?? Console.In);
        var parse = root.Parse(args);
        if (parse.CommandResult.Command == root)
        {
            return await RootAsync(root, args, stdout, stderr).ConfigureAwait(false);
        }
        if (parse.Errors.Count > 0)
        {
            // Unknown options are reported together (most likely typos); a value that does not parse is bad input.
            var unknown = parse.UnmatchedTokens;
            await stderr.WriteLineAsync(unknown.Count > 0
                ? "error: unknown option(s) " + string.Join(", ", unknown)
                : "error: " + string.Join("; ", parse.Errors.Select(e => e.Message))).ConfigureAwait(false);
            return unknown.Count > 0 ? 2 : 1;
        }
        try
        {
            // The host handles SIGTERM itself (graceful drain); the parser must not race it with its own handler.
            return await parse.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null }).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidPipelineException or FormatException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            await stderr.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The text `render` prints; the golden tests compare exactly this.</summary>
    public static string RenderYaml(IEnumerable<Entities.LogPipeline> pipelines, RenderOptions options) =>
        YamlDocuments.Write(pipelines.SelectMany(p => PipelineRenderer.Render(p, options).Objects).Select(o => (System.Text.Json.Nodes.JsonNode)o.Object));

    private static RootCommand Create(TextReader stdin)
    {
        var root = new RootCommand("The LogDapr operator: reconciles LogPipeline custom resources into Dapr resources and workloads.")
        {
            RunCommand.Create(),
            RenderCommand.Create(stdin),
            CrdCommand.Create(),
            VersionCommand(),
        };
        return root;
    }

    /// <summary>No command, `help` or an unknown command: the usage, on stdout when asked for and on stderr otherwise.</summary>
    private static async Task<int> RootAsync(RootCommand root, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var command = args.FirstOrDefault(a => !a.StartsWith('-')) ?? "";
        var asked = command == "help" || args.Contains("--help") || args.Contains("-h");
        if (command is "" or "help")
        {
            await stdout.WriteLineAsync(Usage(root)).ConfigureAwait(false);
            return asked ? 0 : 2;
        }
        await stderr.WriteLineAsync($"unknown command \"{command}\"\n\n{Usage(root)}").ConfigureAwait(false);
        return 2;
    }

    private static string Usage(RootCommand root)
    {
        var width = root.Subcommands.Max(c => c.Name.Length) + 2;
        return $"""
            {UsageLine}

            Commands:
            {string.Join('\n', root.Subcommands.Select(c => "  " + c.Name.PadRight(width) + c.Description))}

            Run `logdapr-operator <command> --help` for the options of a command.
            """;
    }

    private static Command VersionCommand()
    {
        var command = new Command("version", "Print the operator version.");
        command.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine(OperatorVersion.Current);
            return 0;
        });
        return command;
    }
}
