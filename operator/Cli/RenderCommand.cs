using System.CommandLine;
using LogDapr.Operator.Entities;
using LogDapr.Operator.Serialization;

namespace LogDapr.Operator.Cli;

/// <summary>
/// `render -f FILE|-`: print, as YAML, the exact objects the controller would apply; no cluster needed. Only the
/// logdapr.io/secrets-checksum pod annotation is missing: it hashes Secret values, which need the cluster.
/// </summary>
internal static class RenderCommand
{
    public static Command Create(TextReader stdin)
    {
        var filename = new Option<string?>("--filename", "-f") { Description = "LogPipeline YAML, or - for standard input (other kinds in the file are ignored).", HelpName = "FILE|-" };
        var file = new Argument<string?>("file") { Description = "The same as --filename.", Arity = ArgumentArity.ZeroOrOne };
        var @namespace = new Option<string>("--namespace", "-n") { Description = "Namespace for documents that have none.", HelpName = "NS", DefaultValueFactory = _ => "default" };
        var images = new ImageOptions();
        var command = new Command("render", "Print, as YAML, the exact objects the controller would apply (without the secrets checksum, which needs the cluster's Secrets); no cluster needed.") { filename, file, @namespace };
        images.AddTo(command);
        // Like kubectl, unknown options are ignored here; only `run` rejects them.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(filename) ?? parse.GetValue(file);
            if (path is null)
            {
                stderr.WriteLine("error: render needs -f FILE (or - for standard input)");
                return 2;
            }
            var yaml = path == "-" ? stdin.ReadToEnd() : File.ReadAllText(path);
            var pipelines = LogPipelineDocuments.Parse(yaml, parse.GetValue(@namespace)!);
            if (pipelines.Count == 0)
            {
                stderr.WriteLine($"error: no LogPipeline (apiVersion {Entities.LogPipeline.ApiVersionValue}) in {path}");
                return 1;
            }
            try
            {
                stdout.Write(CommandLine.RenderYaml(pipelines, images.RenderOptions(parse)));
            }
            catch (InvalidPipelineException e)
            {
                // What the operator would report in the pipeline's status instead of applying anything.
                stderr.WriteLine($"error: {e.Message}");
                return 1;
            }
            return 0;
        });
        return command;
    }
}
