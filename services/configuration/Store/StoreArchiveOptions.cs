using System.ComponentModel.DataAnnotations;

namespace LogDapr.Configuration.Store;

/// <summary>Archive before retention drops a partition (section "Store:Archive").</summary>
public sealed class StoreArchiveOptions
{
    /// <summary>Export every tenant-day of log_events before retention removes it; removal waits for the export.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The Dapr output binding the archive is written through (operations <c>create</c> and <c>get</c>):
    /// <c>bindings.localstorage</c> locally, an object store such as <c>bindings.aws.s3</c> in Kubernetes.
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", ErrorMessage = "BindingName must be a Dapr component name (lowercase DNS label).")]
    public string BindingName { get; set; } = "logdapr-archive";

    /// <summary>Folder of every archive object inside the binding's root or bucket.</summary>
    [Required]
    [RegularExpression("^[a-z0-9][-a-z0-9_]{0,62}$", ErrorMessage = "Prefix must be lowercase letters, digits, '-' or '_'.")]
    public string Prefix { get; set; } = "logdapr-archive";

    /// <summary>
    /// Largest compressed part of a tenant-day. A binding call carries its part base64-encoded (4/3 of this plus
    /// metadata), which must stay under daprd's request limit (<c>dapr.io/max-body-size</c>, 4Mi by default) and the
    /// gRPC client's 4 MiB answer limit when restoring.
    /// </summary>
    [Range(256 * 1024, 64 * 1024 * 1024)]
    public int MaxPartBytes { get; set; } = 2 * 1024 * 1024;
}
