using LogDapr.DevSidecar.Bindings;
using LogDapr.DevSidecar.Components;
using LogDapr.DevSidecar.PubSub.Brokers;
using LogDapr.DevSidecar.Tests.Support;
using LogDapr.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace LogDapr.DevSidecar.Tests.Unit;

/// <summary>
/// The repository's components/ as the store role sees them: its own consumer group on every broker variant,
/// the Postgres binding and the archive binding loaded for it.
/// </summary>
public class RepositoryComponentsTests
{
    private const string Aggregator = "logdapr-aggregator";
    private const string Store = "logdapr-store";
    private const string Processor = "logdapr-processor";
    private const string Router = "logdapr-router";

    [Theory]
    [InlineData(null)]
    [InlineData("kafka")]
    [InlineData("jetstream")]
    public void Every_broker_variant_gives_the_aggregator_the_store_and_the_processor_a_consumer_group_of_their_own(string? broker)
    {
        var paths = new List<string> { Repository.Path("components/pubsub.yaml") };
        if (broker is not null)
        {
            paths = [Repository.Path($"components/brokers/{broker}/pubsub.yaml")];
        }

        var set = ResourceLoader.Load(paths);
        var catalog = new ComponentCatalog(set.Components, NullLogger.Instance, _ => null);
        var pubsub = catalog.Find("logdapr-pubsub")!;

        Assert.True(pubsub.IsLoadedFor(Store));
        Assert.True(pubsub.IsLoadedFor(Processor));
        Assert.Equal(Aggregator, ConsumerGroups.GroupOf(pubsub.Type, catalog.MetadataFor(pubsub, Aggregator), Aggregator));
        Assert.Equal(Store, ConsumerGroups.GroupOf(pubsub.Type, catalog.MetadataFor(pubsub, Store), Store));
        Assert.Equal(Processor, ConsumerGroups.GroupOf(pubsub.Type, catalog.MetadataFor(pubsub, Processor), Processor));
        Assert.True(pubsub.IsLoadedFor(Router));
        Assert.Equal(Router, ConsumerGroups.GroupOf(pubsub.Type, catalog.MetadataFor(pubsub, Router), Router));
    }

    [Fact]
    public void The_store_loads_the_postgres_binding_the_secret_store_and_the_archive_which_is_its_alone()
    {
        using var dir = new TempDir();
        var archive = Path.Combine(dir.Path, "archive");
        var set = ResourceLoader.Load([Repository.Path("components")]);
        var catalog = new ComponentCatalog(set.Components, NullLogger.Instance,
            name => name switch { "LOGDAPR_ARCHIVE_DIR" => archive, "LOGDAPR_PG_CONNECTION" => "host=localhost", _ => null });

        Assert.True(catalog.Find("logdapr-postgres")!.IsLoadedFor(Store));
        Assert.True(catalog.Find("logdapr-env")!.IsLoadedFor(Store));
        // The router writes the dead letters of failing routes through the same binding.
        Assert.True(catalog.Find("logdapr-postgres")!.IsLoadedFor(Router));
        Assert.True(catalog.Find("logdapr-env")!.IsLoadedFor(Router));
        var binding = catalog.Find("logdapr-archive")!;
        Assert.Equal("bindings.localstorage", binding.Type);
        Assert.True(binding.IsLoadedFor(Store));
        Assert.False(binding.IsLoadedFor(Aggregator));
        Assert.Null(binding.ResolutionError);

        var local = new LocalStorageBinding(binding.Name, binding.Metadata);
        Assert.Null(local.InitError);
        Assert.Equal(archive, local.RootPath);
        Assert.True(Directory.Exists(archive));
    }

    [Fact]
    public void Without_the_archive_directory_in_the_environment_the_archive_binding_says_which_variable_to_set()
    {
        var set = ResourceLoader.Load([Repository.Path("components")]);
        var catalog = new ComponentCatalog(set.Components, NullLogger.Instance, _ => null);

        Assert.Contains("LOGDAPR_ARCHIVE_DIR", catalog.Find("logdapr-archive")!.ResolutionError, StringComparison.Ordinal);
    }
}
