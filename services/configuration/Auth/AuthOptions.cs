using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Auth;

/// <summary>
/// API-key authentication (section "Auth"). On by default: turning it off takes an explicit
/// <c>Auth:Enabled=false</c>, and a service with auth on refuses to start without a key directory.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    public bool Enabled { get; set; } = true;

    /// <summary>Directory of key files (the mounted Secret): one file per tenant, <c>_admin</c> for admin keys.</summary>
    public string? KeysPath { get; set; }

    /// <summary>How often the key directory is re-read, so a rotated Secret applies without a restart.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(KeysPath))
        {
            yield return new ValidationResult(
                "Auth is enabled but Auth:KeysPath is not set. Point it at the API-key directory, or set Auth:Enabled=false explicitly (local runs only).",
                [nameof(KeysPath)]);
        }
        else if (Enabled && !Directory.Exists(KeysPath))
        {
            yield return new ValidationResult($"Auth:KeysPath '{KeysPath}' does not exist.", [nameof(KeysPath)]);
        }
    }
}
