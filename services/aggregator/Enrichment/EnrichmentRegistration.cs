using Dapr;
using LogDapr.Configuration.Enrichment;
using LogDapr.Configuration.Pipeline;
using LogDapr.Processing.Enrichment;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>What a role registers to use enrichment metadata: the lookup (processor) or the CRUD API's writer (counter).</summary>
public static class EnrichmentRegistration
{
    /// <summary>The options and the reader both sides use.</summary>
    public static IServiceCollection AddEnrichmentMetadata(this IServiceCollection services)
    {
        services.AddOptions<EnrichmentOptions>()
            .BindConfiguration(EnrichmentOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<MetadataReader>();
        services.TryAddSingleton<MetadataWriter>();
        return services;
    }

    /// <summary>The tiered lookup as <see cref="IMetadataLookup"/>, for the processor role.</summary>
    public static IServiceCollection AddEnrichmentLookup(this IServiceCollection services)
    {
        services.AddEnrichmentMetadata();
        services.TryAddSingleton<EnrichmentMetrics>();
        services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            var store = sp.GetRequiredService<IOptions<EnrichmentOptions>>().Value.StateStore(sp.GetRequiredService<IOptions<PipelineOptions>>().Value.StateStoreName);
            // Where the services' DaprClient connects, resolved the same way.
            return new MetadataStateStore(store, DaprDefaults.GetDefaultGrpcEndpoint(configuration), DaprDefaults.GetDefaultDaprApiToken(configuration));
        });
        services.TryAddSingleton<TieredMetadataLookup>();
        services.TryAddSingleton<IMetadataLookup>(sp => sp.GetRequiredService<TieredMetadataLookup>());
        return services;
    }
}
