using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace LogDapr.LocalStack.Pipeline;

/// <summary>An HTTP client for the pipeline's public surface: ingest, the query API, the log store and Dapr's publish API.</summary>
/// <param name="handler">For HTTPS services (local runner --tls): a handler trusting their CA.</param>
public sealed class PipelineClient(Uri ingest, Uri aggregator, Uri sidecarHttp, Uri? store = null, HttpMessageHandler? handler = null) : IDisposable
{
    private readonly HttpClient http = handler is null ? new() { Timeout = TimeSpan.FromSeconds(30) } : new(handler) { Timeout = TimeSpan.FromSeconds(30) };

    public sealed record Response(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers, string Text);

    public Task<Response> PostLogsAsync(string body, string contentType = "application/json", CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, new Uri(ingest, "/v1/logs"), body, contentType, cancellationToken);

    /// <summary>Publishes straight onto a topic through Dapr's HTTP API, as an app in any language would.</summary>
    public Task<Response> PublishViaDaprAsync(string pubsub, string topic, string body, string contentType, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, new Uri(sidecarHttp, $"/v1.0/publish/{pubsub}/{topic}"), body, contentType, cancellationToken);

    public Task<Response> GetMetricsAsync(string query, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Get, new Uri(aggregator, "/v1/metrics?" + query), null, null, cancellationToken);

    public Task<Response> ListDeadLettersAsync(string query = "", CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Get, new Uri(aggregator, "/v1/dead-letters?" + query), null, null, cancellationToken);

    public Task<Response> ReplayAsync(long id, string? body = null, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Post, new Uri(aggregator, $"/v1/dead-letters/{id.ToString(CultureInfo.InvariantCulture)}/replay"), body, body is null ? null : "application/json", cancellationToken);

    /// <summary>GET /v1/logs on the log store (its search API).</summary>
    public Task<Response> SearchLogsAsync(string query, CancellationToken cancellationToken = default)
        => SendAsync(HttpMethod.Get, new Uri(store ?? throw new InvalidOperationException("this client was made without the store's address"), "/v1/logs?" + query),
            null, null, cancellationToken);

    /// <summary>Sum of all counts in [from, to), over all tenants, services and severities.</summary>
    public async Task<long> TotalCountAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var response = await GetMetricsAsync($"from={Uri.EscapeDataString(from.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("O", CultureInfo.InvariantCulture))}&step=1m", cancellationToken).ConfigureAwait(false);
        if (response.Status != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /v1/metrics answered {(int)response.Status}: {response.Text}");
        }

        return response.Body!["total_events"]!.GetValue<long>();
    }

    public void Dispose() => http.Dispose();

    private async Task<Response> SendAsync(HttpMethod method, Uri uri, string? body, string? contentType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? json = null;
        if (text.Length > 0 && (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            json = JsonNode.Parse(text);
        }

        return new Response(response.StatusCode, json, response.Headers, text);
    }
}
