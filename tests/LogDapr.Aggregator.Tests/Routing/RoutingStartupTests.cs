using System.ComponentModel.DataAnnotations;
using LogDapr.Aggregator.Routing.Hosting;
using LogDapr.Aggregator.Routing.Routes;
using LogDapr.Configuration.Routing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Tests.Routing;

/// <summary>What stops the router at start: a missing or invalid routes file, or settings that make no sense.</summary>
public sealed class RoutingStartupTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"routes-{Guid.NewGuid():N}.yaml");

    public void Dispose() => File.Delete(file);

    [Fact]
    public void The_defaults_with_an_existing_routes_file_are_valid()
    {
        File.WriteAllText(file, "routes: []");
        Assert.Empty(Validate(new RoutingOptions { RoutesFile = file }));
    }

    [Fact]
    public void The_router_refuses_to_start_without_a_routes_file_with_a_missing_one_or_with_backoffs_the_wrong_way_round()
    {
        Assert.Contains(Validate(new RoutingOptions()), r => r.ErrorMessage!.Contains("Routing:RoutesFile is not set", StringComparison.Ordinal));
        Assert.Contains(Validate(new RoutingOptions { RoutesFile = file }), r => r.ErrorMessage!.Contains("does not exist", StringComparison.Ordinal));

        File.WriteAllText(file, "routes: []");
        Assert.Contains(Validate(new RoutingOptions { RoutesFile = file, InitialBackoff = TimeSpan.FromSeconds(2), MaxBackoff = TimeSpan.FromSeconds(1) }),
            r => r.MemberNames.Contains(nameof(RoutingOptions.MaxBackoff)));
        Assert.Contains(Validate(new RoutingOptions { RoutesFile = file, MaxAttempts = 0 }), r => r.MemberNames.Contains(nameof(RoutingOptions.MaxAttempts)));
        Assert.Contains(Validate(new RoutingOptions { RoutesFile = file, MaxEventsPerCall = 0 }), r => r.MemberNames.Contains(nameof(RoutingOptions.MaxEventsPerCall)));
        Assert.Contains(Validate(new RoutingOptions { RoutesFile = file, AttemptTimeout = TimeSpan.Zero }), r => r.MemberNames.Contains(nameof(RoutingOptions.AttemptTimeout)));
    }

    [Fact]
    public async Task An_invalid_routes_document_stops_the_start_with_every_error_and_nothing_is_applied()
    {
        await File.WriteAllTextAsync(file, "routes: [{name: ok, binding: b}, {name: BAD, binding: b}, {name: x}]");
        var active = new ActiveRoutes();
        var startup = new RoutesStartup(active, new ExpressionConditionCompiler(), Options.Create(new RoutingOptions { RoutesFile = file }), NullLogger<RoutesStartup>.Instance);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => startup.StartAsync(CancellationToken.None));

        Assert.Contains("routes[1].name:", failure.Message, StringComparison.Ordinal);
        Assert.Contains("routes[2].binding: required", failure.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => active.Current);
    }

    [Fact]
    public async Task A_valid_document_is_in_use_once_started()
    {
        await File.WriteAllTextAsync(file, "routes: [{name: ok, binding: b}]");
        var active = new ActiveRoutes();
        var startup = new RoutesStartup(active, new ExpressionConditionCompiler(), Options.Create(new RoutingOptions { RoutesFile = file }), NullLogger<RoutesStartup>.Instance);

        await startup.StartAsync(CancellationToken.None);

        Assert.Equal("ok", Assert.Single(active.Current.Routes).Name);
    }

    private static List<ValidationResult> Validate(RoutingOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        if (results.Count == 0)
        {
            results.AddRange(options.Validate(new ValidationContext(options)));
        }

        return results;
    }
}
