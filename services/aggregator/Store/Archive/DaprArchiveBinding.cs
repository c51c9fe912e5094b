using Dapr.Client;
using LogDapr.Configuration.Store;
using Microsoft.Extensions.Options;

namespace LogDapr.Aggregator.Store.Archive;

/// <summary>
/// The archive through the Dapr output binding Store:Archive:BindingName, speaking to <c>bindings.localstorage</c> and
/// <c>bindings.aws.s3</c> alike, so the operator may render either without telling the store which
/// (components-contrib v1.16):
/// <list type="bullet">
/// <item>the object name goes in both <c>fileName</c> (bindings/localstorage/localstorage.go, <c>Invoke</c>) and <c>key</c>
/// (bindings/aws/s3/s3.go, <c>create</c>/<c>get</c>); each component ignores the other's key;</item>
/// <item>the content is sent base64-encoded: localstorage's <c>create</c> decodes any data that is valid base64, and
/// <c>decodeBase64: "true"</c> in the request's metadata makes s3 decode it (<c>mergeWithRequestMetadata</c>). Raw bytes
/// would be stored as sent only as long as they never happened to be valid base64, which a JSON manifest can be;</item>
/// <item><c>get</c> asks s3 for raw bytes (<c>encodeBase64: "false"</c>); localstorage's <c>get</c> always returns them raw.</item>
/// </list>
/// </summary>
public sealed class DaprArchiveBinding(DaprClient dapr, IOptions<StoreOptions> store) : IArchiveBinding
{
    public async Task CreateAsync(string objectName, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        var request = new BindingRequest(store.Value.Archive.BindingName, "create")
        {
            Data = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(content.Span)),
        };
        request.Metadata["fileName"] = objectName;
        request.Metadata["key"] = objectName;
        request.Metadata["decodeBase64"] = "true";
        request.Metadata["Content-Type"] = contentType;
        await dapr.InvokeBindingAsync(request, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]> GetAsync(string objectName, CancellationToken cancellationToken)
    {
        var request = new BindingRequest(store.Value.Archive.BindingName, "get");
        request.Metadata["fileName"] = objectName;
        request.Metadata["key"] = objectName;
        request.Metadata["encodeBase64"] = "false";
        var response = await dapr.InvokeBindingAsync(request, cancellationToken).ConfigureAwait(false);
        return response.Data.ToArray();
    }
}
