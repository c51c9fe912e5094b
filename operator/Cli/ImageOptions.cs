using System.CommandLine;
using LogDapr.Operator.Rendering;

namespace LogDapr.Operator.Cli;

/// <summary>
/// `--ingest-image`, `--aggregator-image` and `--allowed-image-prefixes`, shared by `run` and `render` so both
/// render (and refuse) the same objects.
/// </summary>
internal sealed class ImageOptions
{
    private readonly Option<string?> ingest = new("--ingest-image") { Description = "Default ingest image.", HelpName = "IMAGE" };
    private readonly Option<string?> aggregator = new("--aggregator-image") { Description = "Default aggregator image.", HelpName = "IMAGE" };
    private readonly Option<string?> allowed = new("--allowed-image-prefixes")
    {
        Description = "Where spec.*.image may point besides the default images' repositories, comma-separated: prefixes ending in / (registry.corp/), whole repositories, or * for any image (default: none).",
        HelpName = "a/,b/c",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(ingest);
        command.Options.Add(aggregator);
        command.Options.Add(allowed);
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
        if (parse.GetValue(allowed) is { } prefixes)
        {
            options = options with { AllowedImagePrefixes = prefixes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) };
        }
        return options;
    }
}
