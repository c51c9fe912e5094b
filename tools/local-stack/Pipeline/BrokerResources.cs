using LogDapr.LocalStack.Layout;

namespace LogDapr.LocalStack.Pipeline;

/// <summary>The resources directory the sidecar reads for a broker emulation.</summary>
public static class BrokerResources
{
    /// <summary>
    /// Redis: null (components/ as is). Otherwise a directory under the run directory holding every components/*.yaml
    /// but pubsub.yaml, plus components/brokers/&lt;broker&gt;/pubsub.yaml: the same set with the other broker.
    /// </summary>
    public static string? Prepare(RepoLayout layout, LocalBroker broker, string runDirectory)
    {
        if (broker == LocalBroker.Redis)
        {
            return null;
        }

        var name = broker.ToString().ToLowerInvariant();
        var variant = Path.Combine(layout.ComponentsDirectory, "brokers", name, "pubsub.yaml");
        if (!File.Exists(variant))
        {
            throw new FileNotFoundException($"no component set for broker {name}: {variant} is missing", variant);
        }

        var directory = Path.Combine(runDirectory, "resources-" + name);
        Directory.CreateDirectory(directory);
        foreach (var file in Directory.EnumerateFiles(layout.ComponentsDirectory, "*.yaml"))
        {
            if (!string.Equals(Path.GetFileName(file), "pubsub.yaml", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)), overwrite: true);
            }
        }

        File.Copy(variant, Path.Combine(directory, "pubsub.yaml"), overwrite: true);
        return directory;
    }
}
