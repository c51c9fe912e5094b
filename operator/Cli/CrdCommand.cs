using System.CommandLine;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Cli;

/// <summary>`crd [-o FILE]`: the LogPipeline CustomResourceDefinition generated from the C# types.</summary>
internal static class CrdCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write to FILE instead of standard output.", HelpName = "FILE" };
        var command = new Command("crd", "Print the LogPipeline CustomResourceDefinition.") { output };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            var yaml = CrdGenerator.GenerateYaml();
            if (parse.GetValue(output) is { } path)
            {
                File.WriteAllText(path, yaml);
            }
            else
            {
                parse.InvocationConfiguration.Output.Write(yaml);
            }
            return 0;
        });
        return command;
    }
}
