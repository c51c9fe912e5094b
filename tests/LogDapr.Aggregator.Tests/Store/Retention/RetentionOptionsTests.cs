using System.ComponentModel.DataAnnotations;
using LogDapr.Aggregator.Store.Retention;
using LogDapr.Configuration.Store;

namespace LogDapr.Aggregator.Tests.Store.Retention;

public class RetentionOptionsTests
{
    private static List<ValidationResult> Validate(params TenantRetention[] tenants)
    {
        var options = new StoreOptions { Retention = new StoreRetentionOptions { Tenants = [.. tenants] } };
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void Valid_overrides_pass()
        => Assert.Empty(Validate(new TenantRetention { Tenant = "a", EventsDays = 1 }, new TenantRetention { Tenant = "b", CountsDays = 3650, DeadLettersDays = 5 }));

    [Fact]
    public void A_tenant_listed_twice_is_refused()
    {
        var result = Assert.Single(Validate(new TenantRetention { Tenant = "a", EventsDays = 3 }, new TenantRetention { Tenant = "a", CountsDays = 3 }));
        Assert.Contains("Retention:Tenants:1:Tenant", result.MemberNames);
        Assert.Contains("already has an override", result.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    public void Days_outside_1_to_3650_are_refused(int days)
    {
        Assert.Contains(Validate(new TenantRetention { Tenant = "a", EventsDays = days }), r => r.MemberNames.Contains("Retention:Tenants:0:EventsDays"));
        Assert.Contains(Validate(new TenantRetention { Tenant = "a", CountsDays = days }), r => r.MemberNames.Contains("Retention:Tenants:0:CountsDays"));
        Assert.Contains(Validate(new TenantRetention { Tenant = "a", DeadLettersDays = days }), r => r.MemberNames.Contains("Retention:Tenants:0:DeadLettersDays"));
    }

    [Fact]
    public void An_override_without_a_tenant_is_refused()
        => Assert.Contains(Validate(new TenantRetention { Tenant = "", EventsDays = 3 }), r => r.MemberNames.Contains("Retention:Tenants:0:Tenant"));

    [Fact]
    public void Archive_part_size_and_binding_name_are_bounded()
    {
        var options = new StoreOptions { Archive = new StoreArchiveOptions { MaxPartBytes = 1024, BindingName = "Bad Name" } };
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        Assert.Contains(results, r => r.MemberNames.Contains("Archive:MaxPartBytes"));
        Assert.Contains(results, r => r.MemberNames.Contains("Archive:BindingName"));
    }

    [Fact]
    public void Policy_takes_the_override_of_its_kind_and_the_longest_of_all()
    {
        var options = new StoreRetentionOptions
        {
            EventsDays = 7,
            Tenants = [new TenantRetention { Tenant = "long", EventsDays = 90 }, new TenantRetention { Tenant = "short", EventsDays = 1, CountsDays = 10 }],
        };
        var events = RetentionPolicy.From(options, RetentionKind.Events);
        Assert.Equal((90, 1, 7, 90, 1), (events.LongestDays, events.ShortestDays, events.DaysFor("other"), events.DaysFor("long"), events.DaysFor("short")));
        var counts = RetentionPolicy.From(options, RetentionKind.Counts);
        Assert.Equal((400, 10, 400), (counts.LongestDays, counts.ShortestDays, counts.DaysFor("long")));
    }
}
