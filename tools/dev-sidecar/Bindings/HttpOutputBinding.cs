using System.Globalization;
using LogDapr.DevSidecar.Go;

namespace LogDapr.DevSidecar.Bindings;

/// <summary>
/// Dapr's <c>bindings.http</c> as components-contrib v1.16 <c>bindings/http/http.go</c> serves it. Metadata <c>url</c>;
/// operations create (= POST), get, head, post, put, patch, delete, options, trace, with a body for POST, PUT and
/// PATCH. Request metadata <c>path</c> is appended to the url (one '/' between them); request metadata keys starting
/// with a capital letter become request headers (so <c>Idempotency-Key</c> does, <c>idempotency-key</c> does not);
/// Content-Type and Accept default to <c>application/json; charset=utf-8</c>; <c>traceparent</c>, <c>tracestate</c>
/// and <c>baggage</c> metadata are forwarded. A non-2xx answer is the error <c>received status code N</c> unless
/// <c>errorIfNot2XX</c> (component or request metadata) is false. <c>responseTimeout</c> (a Go duration) bounds each
/// call; the answer's body is read up to <c>maxResponseBodySize</c> (default 100 MB) and returned with the metadata
/// <c>statusCode</c>, <c>status</c> and every response header (values joined with ", ").
/// </summary>
public sealed class HttpOutputBinding : IOutputBinding, IAsyncDisposable
{
    public static readonly string[] Operations = ["create", "get", "head", "post", "put", "patch", "delete", "options", "trace"];

    private const long DefaultMaxResponseBodySize = 100L << 20;
    private static readonly string[] TraceKeys = ["traceparent", "tracestate", "baggage"];

    private readonly HttpClient client;
    private readonly string url;
    private readonly TimeSpan? responseTimeout;
    private readonly long maxResponseBodySize = DefaultMaxResponseBodySize;
    private readonly bool errorIfNot2XX = true;
    private readonly string? securityToken;
    private readonly string? securityTokenHeader;

    public HttpOutputBinding(string name, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        Name = name;
        url = Get(metadata, "url") ?? "";
        securityToken = Get(metadata, "securityToken");
        securityTokenHeader = Get(metadata, "securityTokenHeader");
        if (Get(metadata, "responseTimeout") is { } timeout)
        {
            if (GoDuration.TryParse(timeout, out var parsed))
            {
                responseTimeout = parsed;
            }
            else
            {
                InitError = $"failed to decode metadata: responseTimeout: invalid duration \"{timeout}\"";
            }
        }

        if (Get(metadata, "maxResponseBodySize") is { } size)
        {
            if (TryParseByteSize(size, out var bytes))
            {
                maxResponseBodySize = bytes;
            }
            else
            {
                InitError = $"failed to decode metadata: maxResponseBodySize: invalid size \"{size}\"";
            }
        }

        if (Get(metadata, "errorIfNot2XX") is { } strict)
        {
            errorIfNot2XX = IsTruthy(strict);
        }

        if (new[] { "mtlsClientCert", "mtlsClientKey", "mtlsRootCA", "mtlsRenegotiation" }.FirstOrDefault(k => Get(metadata, k) is not null) is { } mtls)
        {
            InitError = $"metadata {mtls}: mTLS is not supported by the development sidecar's bindings.http";
        }

        // Go's client: follows up to 10 redirects, no overall timeout (responseTimeout bounds each request instead).
        client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, MaxAutomaticRedirections = 10, ConnectTimeout = TimeSpan.FromSeconds(15) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public string Name { get; }

    /// <summary>Why Init failed (daprd would not start with this component), or null.</summary>
    public string? InitError { get; }

    public string Url => url;

    public async Task<BindingResponse> InvokeAsync(string operation, ReadOnlyMemory<byte> data, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (InitError is not null)
        {
            throw new BindingException(InitError);
        }

        var target = url;
        if (Get(metadata, "path") is { } path)
        {
            target = url.TrimEnd('/') + "/" + path.TrimStart('/');
        }

        var strict = Get(metadata, "errorIfNot2XX") is { } value ? IsTruthy(value) : errorIfNot2XX;
        var method = operation.ToUpperInvariant();
        if (method == "CREATE")
        {
            method = "POST";
        }

        var hasBody = method is "PUT" or "POST" or "PATCH";
        if (!hasBody && method is not ("GET" or "HEAD" or "DELETE" or "OPTIONS" or "TRACE"))
        {
            throw new BindingException($"invalid operation: {operation}");
        }

        // Go's url.Error names the method like "Post".
        var op = method[..1] + method[1..].ToLowerInvariant();
        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            var scheme = target.Contains("://", StringComparison.Ordinal) ? target[..target.IndexOf("://", StringComparison.Ordinal)] : "";
            throw new BindingException($"{op} \"{target}\": unsupported protocol scheme \"{scheme}\"");
        }

        using var request = new HttpRequestMessage(new HttpMethod(method), uri);
        if (hasBody)
        {
            request.Content = new ByteArrayContent(data.ToArray());
            if (!metadata.ContainsKey("Content-Type"))
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=utf-8");
            }
        }

        if (!metadata.ContainsKey("Accept"))
        {
            request.Headers.TryAddWithoutValidation("Accept", "application/json; charset=utf-8");
        }

        if (!string.IsNullOrEmpty(securityToken) && !string.IsNullOrEmpty(securityTokenHeader))
        {
            SetHeader(request, securityTokenHeader, securityToken);
        }

        foreach (var (key, headerValue) in metadata)
        {
            if (key.Length > 0 && key[0] is >= 'A' and <= 'Z')
            {
                SetHeader(request, key, headerValue);
            }
        }

        foreach (var key in TraceKeys)
        {
            if (Get(metadata, key) is { } trace)
            {
                SetHeader(request, key, trace);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (responseTimeout is { } limit && limit > TimeSpan.Zero)
        {
            timeout.CancelAfter(limit);
        }

        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BindingException($"{op} \"{target}\": context deadline exceeded");
        }
        catch (HttpRequestException ex)
        {
            throw new BindingException($"{op} \"{target}\": {ex.InnerException?.Message ?? ex.Message}", unavailable: true, ex);
        }

        using (response)
        {
            byte[] body;
            try
            {
                body = await ReadBoundedAsync(response, maxResponseBodySize, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new BindingException("context deadline exceeded");
            }

            var answer = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["statusCode"] = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture),
                ["status"] = $"{(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd(),
            };
            foreach (var (key, values) in response.Headers.Concat(response.Content.Headers))
            {
                answer[key] = string.Join(", ", values);
            }

            var status = (int)response.StatusCode;
            if (strict && status / 100 != 2)
            {
                throw new BindingException($"received status code {status}");
            }

            return new BindingResponse(body, answer);
        }
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>kit/metadata ByteSize: a plain number of bytes, or a quantity with a binary or decimal suffix.</summary>
    internal static bool TryParseByteSize(string text, out long bytes)
    {
        bytes = 0;
        var suffixes = new (string Suffix, long Factor)[] { ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("k", 1000), ("K", 1000), ("M", 1_000_000), ("G", 1_000_000_000) };
        foreach (var (suffix, factor) in suffixes)
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                bytes = n * factor;
                return true;
            }
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out bytes);
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, long limit, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var want = limit > 0 ? (int)Math.Min(chunk.Length, limit - buffer.Length) : chunk.Length;
                if (want <= 0)
                {
                    break;
                }

                var read = await stream.ReadAsync(chunk.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }

    private static void SetHeader(HttpRequestMessage request, string key, string value)
    {
        if (request.Content is not null && IsContentHeader(key))
        {
            request.Content.Headers.Remove(key);
            request.Content.Headers.TryAddWithoutValidation(key, value);
            return;
        }

        request.Headers.Remove(key);
        request.Headers.TryAddWithoutValidation(key, value);
    }

    private static bool IsContentHeader(string key)
        => key.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || key.Equals("Expires", StringComparison.OrdinalIgnoreCase)
           || key.Equals("Last-Modified", StringComparison.OrdinalIgnoreCase) || key.Equals("Allow", StringComparison.OrdinalIgnoreCase);

    private static string? Get(IReadOnlyDictionary<string, string> metadata, string key)
        => metadata.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    // dapr/kit strings.IsTruthy.
    private static bool IsTruthy(string value) => value.Trim().ToLowerInvariant() is "y" or "yes" or "true" or "t" or "on" or "1";
}
