using System.ComponentModel;
using System.Text.Json.Serialization;
using LogDapr.Operator.Entities.CrdSchema;

namespace LogDapr.Operator.Entities;

/// <summary>
/// The object store the store archives to, rendered as a Dapr output binding component. Only bindings that store
/// objects by key are allowed: the types daprd v1.16 registers (dapr/dapr v1.16.0 cmd/daprd/components/
/// bindings_{aws_s3,azure_blobstorage,gcp_bucket,localstorage}.go) with their components-contrib v1.16 metadata
/// (bindings/{aws/s3,azure/blobstorage,gcp/bucket,localstorage}/metadata.yaml).
/// </summary>
[Description("The object store the store archives to: the Dapr output binding component <metadata.name>-archive, scoped to the store, with this type and metadata (as in a Dapr Component's spec.metadata; see the Dapr docs of the binding).")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ArchiveSpec
{
    public const string AwsS3 = "bindings.aws.s3";
    public const string AzureBlobStorage = "bindings.azure.blobstorage";
    public const string GcpBucket = "bindings.gcp.bucket";
    public const string LocalStorage = "bindings.localstorage";

    /// <summary>The allowed types and the metadata each one cannot work without (metadata.yaml, required: true).</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Types = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        [AwsS3] = ["bucket"],
        [AzureBlobStorage] = ["accountName", "containerName"],
        [GcpBucket] = ["bucket"],
        [LocalStorage] = ["rootPath"],
    };

    [JsonRequired]
    [Description("Dapr binding type: bindings.aws.s3 (S3 and S3-compatible stores), bindings.azure.blobstorage, bindings.gcp.bucket or bindings.localstorage (a directory, e.g. a mounted volume; for tests).")]
    [AllowedValues(AwsS3, AzureBlobStorage, GcpBucket, LocalStorage)]
    public string Type { get; set; } = null!;

    [Description("The component's metadata: each a plain value or a secretKeyRef to a Secret in the pipeline's namespace (for credentials such as secretKey or accountKey).")]
    [Items(0, 32)]
    [ListTypeMap("name")]
    public List<ArchiveMetadataSpec>? Metadata { get; set; }
}

[Description("One metadata entry of the archive binding.")]
[CelRule("has(self.value) != has(self.secretKeyRef)", "an archive metadata entry needs exactly one of value and secretKeyRef")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ArchiveMetadataSpec : IComponentMetadataEntry
{
    [JsonRequired]
    [Description("Metadata name, e.g. bucket, region, accessKey.")]
    [Pattern(@"^[a-zA-Z][a-zA-Z0-9_.-]*$")]
    [Length(1, 128)]
    public string Name { get; set; } = null!;

    [Description("A plain value.")]
    [Length(0, 4096)]
    public string? Value { get; set; }

    [Description("A key of a Secret in the pipeline's namespace that Dapr reads the value from.")]
    public SecretKeySelector? SecretKeyRef { get; set; }
}
