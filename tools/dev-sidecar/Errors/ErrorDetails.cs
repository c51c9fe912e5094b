namespace LogDapr.DevSidecar.Errors;

/// <summary>
/// The rich error details daprd v1.16 attaches through dapr/kit errors (v0.16.1 errors/errors.go): an optional
/// google.rpc.ResourceInfo and a google.rpc.ErrorInfo (domain "dapr.io"). HTTP bodies carry them as
/// <c>details</c>; gRPC statuses as <c>grpc-status-details-bin</c>.
/// </summary>
public sealed record ErrorDetails(string Reason, IReadOnlyDictionary<string, string>? Metadata, ResourceDetail? Resource = null);

/// <summary>google.rpc.ResourceInfo.</summary>
public sealed record ResourceDetail(string Type, string Name, string Owner = "", string Description = "");
