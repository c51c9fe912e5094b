using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LogDapr.DevSidecar.PubSub.Apps;
using LogDapr.DevSidecar.PubSub.Brokers;
using LogDapr.DevSidecar.PubSub.GoJson;
using LogDapr.DevSidecar.PubSub.Storage;

namespace LogDapr.DevSidecar.PubSub.Delivery;

/// <summary>
/// Sends deliveries to the app over HTTP and reads its answer the way daprd v1.16's HTTP postman does
/// (pkg/runtime/subscription/postman/http/http.go Deliver and DeliverBulk). One call = one delivery attempt.
/// </summary>
public sealed partial class AppPostman(AppChannel app, string pubsubName, string topic, BrokerKind broker, TimeSpan? attemptTimeout)
{
    private static readonly MediaTypeHeaderValue CloudEventContentType = new(ContentTypes.CloudEvent);
    private static readonly MediaTypeHeaderValue JsonContentType = new(ContentTypes.Json);

    /// <summary>A single delivery: the stored bytes, unchanged, as application/cloudevents+json.</summary>
    public async Task<(DeliveryOutcome Outcome, string? Detail)> DeliverAsync(string path, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        if (!app.IsHealthy)
        {
            return (DeliveryOutcome.Unreachable, "app is not in a healthy state");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ReadOnlyMemoryContent(body) { Headers = { ContentType = CloudEventContentType } },
        };
        request.Headers.TryAddWithoutValidation("pubsubname", pubsubName);
        var (status, responseBody, failure) = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
        {
            return failure.Value;
        }

        if (status is >= 200 and <= 299)
        {
            string? appStatus;
            try
            {
                using var doc = JsonDocument.Parse(responseBody);
                appStatus = doc.RootElement.ValueKind == JsonValueKind.Object && TryGetProperty(doc.RootElement, "status", out var s) && s.ValueKind == JsonValueKind.String
                    ? s.GetString()
                    : "";
            }
            catch (JsonException)
            {
                // Empty or unreadable body: daprd skips the status check, success.
                return (DeliveryOutcome.Success, null);
            }

            // Go's json decoding matches field names case-insensitively but the status value exactly.
            return appStatus switch
            {
                "" or null or "SUCCESS" => (DeliveryOutcome.Success, null),
                "DROP" => (DeliveryOutcome.Drop, "status DROP"),
                "RETRY" => (DeliveryOutcome.Retry, "status RETRY"),
                _ => (DeliveryOutcome.Retry, $"unknown status '{appStatus}'"),
            };
        }

        // v1.16: a 404 is "non-retriable" and returns nil: acknowledged and dropped, never dead-lettered.
        // (v1.17.0 returns ErrMessageDropped here, i.e. DROP; the bulk path is unchanged.)
        return status == (int)HttpStatusCode.NotFound
            ? (DeliveryOutcome.NotFound, "HTTP 404")
            : (DeliveryOutcome.Retry, $"HTTP {status}");
    }

    private static bool TryGetProperty(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        if (element.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        // Go's encoding/json matches field names case-insensitively.
        foreach (var property in element.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                return true;
            }
        }

        return false;
    }
}
