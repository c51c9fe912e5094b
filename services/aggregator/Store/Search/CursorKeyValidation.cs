using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Store.Search;

/// <summary>The store role needs Store:CursorKey outside Development: start-up fails naming it.</summary>
public sealed class CursorKeyValidation(IHostEnvironment environment) : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
        => string.IsNullOrEmpty(options.CursorKey) && !environment.IsDevelopment()
            ? ValidateOptionsResult.Fail("Store:CursorKey is required in the store role (at least 16 characters; in Kubernetes the "
                + "operator's generated Secret, key cursor-key): it signs search cursors")
            : ValidateOptionsResult.Success;
}
