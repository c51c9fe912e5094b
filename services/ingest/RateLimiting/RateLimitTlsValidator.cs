using LogDapr.Configuration.Ingest;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.RateLimiting;

/// <summary>Start-up validation of the rate-limit Redis TLS files: a wrong mount stops the service with the setting and the file named.</summary>
public sealed class RateLimitTlsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = RedisTls.Validate(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
