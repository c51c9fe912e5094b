using System.Globalization;
using System.Net;
using System.Text.Json;
using LogDapr.LoadGen.Http;

namespace LogDapr.LoadGen.Verification;

/// <summary>Reads counts back through the aggregator's public query API (GET /v1/metrics), as a user would.</summary>
public sealed class MetricsApiClient(HttpClient http, Uri aggregatorBaseUrl, ApiKeyHeader? apiKey = null)
{
    /// <summary>Events counted for <paramref name="tenantId"/> with timestamps in [from, to).</summary>
    public async Task<long> TotalAsync(string tenantId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"/v1/metrics?tenant={Uri.EscapeDataString(tenantId)}&from={Uri.EscapeDataString(from.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))}&step=1m");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(aggregatorBaseUrl, query));
        apiKey?.ApplyTo(request);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new HttpRequestException($"GET /v1/metrics answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}", null, response.StatusCode);
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("total_events").GetInt64();
    }
}
