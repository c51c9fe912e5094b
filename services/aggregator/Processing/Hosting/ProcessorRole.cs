using LogDapr.Aggregator.Decoding;
using LogDapr.Aggregator.Enrichment;
using LogDapr.Aggregator.Processing.Delivery;
using LogDapr.Aggregator.Processing.Observability;
using LogDapr.Aggregator.Processing.Rules;
using LogDapr.Aggregator.Subscriptions;
using LogDapr.Configuration.Processing;
using LogDapr.ServiceDefaults.Observability.Stats;
using LogDapr.ServiceDefaults.OpenApi;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LogDapr.Aggregator.Processing.Hosting;

/// <summary>What the aggregator process registers when it runs as the processor (Aggregator:Role=Processor).</summary>
public static class ProcessorRole
{
    public static WebApplicationBuilder AddProcessorRole(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ProcessingOptions>()
            .Bind(builder.Configuration.GetSection(ProcessingOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<ProcessingMetrics>();
        builder.Services.AddSingleton<IStatsSource>(sp => sp.GetRequiredService<ProcessingMetrics>());
        builder.Services.AddSingleton<ActiveRules>();
        builder.Services.AddHostedService<RulesWatcher>();
        builder.Services.AddSingleton<ProcessedPublisher>();
        builder.Services.AddEnrichmentLookup();

        // One rule set per delivery: the decoder (field mapping) and the processor of a request come from the same
        // document, even when the rules change while it runs.
        builder.Services.AddScoped(sp => sp.GetRequiredService<ActiveRules>().Current);
        builder.Services.Replace(ServiceDescriptor.Scoped(sp => sp.GetRequiredService<RuleSet>().Decoder));
        builder.Services.AddScoped<ILogsDeliveryProcessor, ProcessorDeliveryProcessor>();
        builder.Services.AddOpenApi(o => o.UseLogDaprConventions("LogDapr processor", new Dictionary<string, string>()));
        return builder;
    }
}
