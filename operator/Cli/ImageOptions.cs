using System.CommandLine;
using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Cli;

/// <summary>`--ingest-image` and `--aggregator-image`, shared by `run` and `render` so both render the same objects.</summary>
internal sealed class ImageOptions
{
    private readonly Option<string?> ingest = new("--ingest-image") { Description = "Default ingest image.", HelpName = "IMAGE" };
    private readonly Option<string?> aggregator = new("--aggregator-image") { Description = "Default aggregator image.", HelpName = "IMAGE" };

    public void AddTo(Command command)
    {
        command.Options.Add(ingest);
        command.Options.Add(aggregator);
    }

    public RenderOptions RenderOptions(ParseResult parse)
    {
        var options = Rendering.RenderOptions.Default;
        if (parse.GetValue(ingest) is { } ingestImage)
        {
            options = options with { IngestImage = ingestImage };
        }
        if (parse.GetValue(aggregator) is { } aggregatorImage)
        {
            options = options with { AggregatorImage = aggregatorImage };
        }
        return options;
    }
}
