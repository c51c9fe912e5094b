using LogDapr.ServiceDefaults.Auth;

namespace LogDapr.Ingest.Protocols.Elasticsearch;

/// <summary>
/// The Elasticsearch routes: the bulk API, and what shippers probe at start, <c>GET</c>/<c>HEAD /</c> (the version
/// document), <c>GET /_license</c> (Logstash) and <c>GET /_cluster/health</c> (Vector's health check). As on
/// Elasticsearch with security on, every one needs a valid API key; the probes need no particular role.
/// </summary>
internal static class ElasticsearchEndpoints
{
    public const string BulkRoute = "/_bulk";
    public const string IndexBulkRoute = "/{index}/_bulk";

    public static IEndpointRouteBuilder MapElasticsearch(this IEndpointRouteBuilder app)
    {
        app.MapMethods(BulkRoute, [HttpMethods.Post, HttpMethods.Put], (HttpContext context, ElasticsearchBulkHandler handler) => handler.HandleAsync(context, null))
            .ExcludeFromDescription();
        app.MapMethods(IndexBulkRoute, [HttpMethods.Post, HttpMethods.Put], (HttpContext context, string index, ElasticsearchBulkHandler handler) => handler.HandleAsync(context, index))
            .ExcludeFromDescription();
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], (HttpContext context, ApiKeyStore keys) => Probe(context, keys, () => ElasticsearchDocuments.Root(Environment.MachineName)))
            .ExcludeFromDescription();
        app.MapGet("/_license", (HttpContext context, ApiKeyStore keys) => Probe(context, keys, ElasticsearchDocuments.License))
            .ExcludeFromDescription();
        app.MapGet("/_cluster/health", (HttpContext context, ApiKeyStore keys) => Probe(context, keys, ElasticsearchDocuments.ClusterHealth))
            .ExcludeFromDescription();
        return app;
    }

    private static IResult Probe(HttpContext context, ApiKeyStore keys, Func<byte[]> document)
        => ElasticsearchBulkHandler.Authorize(context, keys, ApiKeyRoles.None, out _) is { } refused
            ? ElasticsearchResult.Error(refused)
            : new ElasticsearchResult(StatusCodes.Status200OK, document());
}
