using LogDapr.Operator.Entities;

namespace LogDapr.Operator.Rendering;

/// <summary>
/// Which images a LogPipeline may name in spec.*.image. Whoever can create a LogPipeline chooses what runs in the
/// operator-managed pods, with the Secrets the pipeline references mounted; so by default only the operator's own
/// images are allowed (the repositories of its --ingest-image and --aggregator-image, any tag or digest), and an
/// administrator widens that with --allowed-image-prefixes (Helm: pipelineImages.allowedPrefixes).
/// </summary>
public static class ImagePolicy
{
    public const string NotAllowedReason = "ImageNotAllowed";

    public const string AllowAny = "*";

    /// <exception cref="InvalidPipelineException">The image is not allowed (reason <see cref="NotAllowedReason"/>).</exception>
    public static void Check(string? image, string field, RenderOptions options)
    {
        if (image is null || IsAllowed(image, options))
        {
            return;
        }
        throw new InvalidPipelineException(
            $"{field} \"{image}\" is not allowed by this operator: images must be from {string.Join(", ", Allowed(options))} "
            + "(the operator's --allowed-image-prefixes, Helm value pipelineImages.allowedPrefixes). Remove the field to use the default image, or ask the operator's administrators to allow it. Nothing is applied until then.")
        {
            Reason = NotAllowedReason,
        };
    }

    public static bool IsAllowed(string image, RenderOptions options) =>
        options.AllowedImagePrefixes.Contains(AllowAny) || Allowed(options).Any(entry => Matches(image, entry));

    /// <summary>The configured entries and the repositories of the default images.</summary>
    public static IReadOnlyList<string> Allowed(RenderOptions options) =>
        [.. new[] { Repository(options.IngestImage), Repository(options.AggregatorImage) }.Concat(options.AllowedImagePrefixes).Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// A prefix ending in "/" matches everything below it; anything else is a repository and matches itself with any
    /// tag or digest, so "ghcr.io/acme/ingest" does not let "ghcr.io/acme/ingest-evil" through.
    /// </summary>
    private static bool Matches(string image, string entry) =>
        entry.EndsWith('/')
            ? image.StartsWith(entry, StringComparison.Ordinal) && image.Length > entry.Length
            : image == entry || image.StartsWith(entry + ":", StringComparison.Ordinal) || image.StartsWith(entry + "@", StringComparison.Ordinal);

    /// <summary>An image reference without its tag and digest.</summary>
    public static string Repository(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? image : image[..at];
        var colon = name.LastIndexOf(':');
        return colon > name.LastIndexOf('/') ? name[..colon] : name;
    }
}
