using System.ComponentModel.DataAnnotations;
using LogDapr.Configuration.Routing;

namespace LogDapr.Aggregator.Tests.Routing;

/// <summary>What stops the router at start: a missing routes file, or settings that make no sense (an invalid one: RoutesReloadTests).</summary>
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
        Assert.Contains(Validate(new RoutingOptions { RoutesFile = file, ReloadInterval = TimeSpan.Zero }), r => r.MemberNames.Contains(nameof(RoutingOptions.ReloadInterval)));
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
