using System.Collections.Concurrent;
using System.Text;
using Dapr;
using Dapr.Client;
using Grpc.Core;
using LogDapr.DevSidecar.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace LogDapr.DevSidecar.Tests.Api;

/// <summary>bindings.http as components-contrib v1.16 bindings/http/http.go serves it, against a receiver in the test.</summary>
public sealed class HttpBindingTests : IAsyncLifetime
{
    private readonly TempDir dir = new();
    private readonly ConcurrentQueue<Received> received = new();
    private readonly int port = Ports.Free();
    private WebApplication receiver = null!;
    private TestSidecar sidecar = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        receiver = builder.Build();
        receiver.Map("/{**path}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue(new Received(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            var path = (context.Request.Path.Value ?? "").Replace("/base/", "/", StringComparison.Ordinal);
            if (path.StartsWith("/status/", StringComparison.Ordinal))
            {
                context.Response.StatusCode = int.Parse(path["/status/".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }

            if (path == "/slow")
            {
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }

            context.Response.Headers["X-Answer"] = "yes";
            await context.Response.WriteAsync(path == "/big" ? new string('x', 5000) : "ok");
        });
        await receiver.StartAsync();

        dir.Write("res/hooks.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: hook
            spec:
              type: bindings.http
              version: v1
              metadata:
                - name: url
                  value: http://127.0.0.1:{port}/base/
                - name: maxResponseBodySize
                  value: "1000"
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: quick
            spec:
              type: bindings.http
              version: v1
              metadata:
                - name: url
                  value: http://127.0.0.1:{port}
                - name: responseTimeout
                  value: 200ms
            """);
        sidecar = await TestSidecar.StartAsync(Path.Combine(dir.Path, "res"), dir.Sub("data"));
    }

    public async Task DisposeAsync()
    {
        await sidecar.DisposeAsync();
        await receiver.DisposeAsync();
        dir.Dispose();
    }

    [Fact]
    public async Task Create_posts_the_data_to_url_plus_path_and_only_metadata_keys_with_a_capital_first_letter_become_headers()
    {
        var request = new BindingRequest("hook", "create") { Data = Encoding.UTF8.GetBytes("""{"events":[]}""") };
        request.Metadata["path"] = "/in";
        request.Metadata["Idempotency-Key"] = "m1/r/0";
        request.Metadata["idempotency-key"] = "lower";
        request.Metadata["X-Team"] = "core";

        var response = await sidecar.Client.InvokeBindingAsync(request);

        var call = Assert.Single(received);
        Assert.Equal("POST", call.Method);
        Assert.Equal("/base/in", call.Path);
        Assert.Equal("""{"events":[]}""", Encoding.UTF8.GetString(call.Body));
        Assert.Equal("m1/r/0", call.Headers["Idempotency-Key"]);
        Assert.Equal("core", call.Headers["X-Team"]);
        Assert.Equal("application/json; charset=utf-8", call.Headers["Content-Type"]);
        Assert.Equal("application/json; charset=utf-8", call.Headers["Accept"]);
        Assert.DoesNotContain(call.Headers, h => h.Value == "lower");
        Assert.DoesNotContain("path", call.Headers.Keys, StringComparer.OrdinalIgnoreCase);

        Assert.Equal("ok", Encoding.UTF8.GetString(response.Data.Span));
        Assert.Equal("200", response.Metadata["statusCode"]);
        Assert.Equal("200 OK", response.Metadata["status"]);
        Assert.Equal("yes", response.Metadata["X-Answer"]);
    }

    [Fact]
    public async Task A_non_2xx_answer_fails_the_call_as_daprd_reports_it_unless_errorIfNot2XX_is_false()
    {
        var failed = await Assert.ThrowsAsync<DaprException>(() => sidecar.Client.InvokeBindingAsync(Request("hook", "post", "/status/500")));
        var rpc = Assert.IsType<RpcException>(failed.InnerException);
        Assert.Equal(StatusCode.Internal, rpc.StatusCode);
        Assert.Equal("error invoking output binding hook: received status code 500", rpc.Status.Detail);

        var lenient = Request("hook", "post", "/status/503");
        lenient.Metadata["errorIfNot2XX"] = "false";
        var response = await sidecar.Client.InvokeBindingAsync(lenient);
        Assert.Equal("503", response.Metadata["statusCode"]);
    }

    [Fact]
    public async Task ResponseTimeout_bounds_a_call_and_the_response_body_is_cut_at_maxResponseBodySize()
    {
        var slow = await Assert.ThrowsAsync<DaprException>(() => sidecar.Client.InvokeBindingAsync(Request("quick", "create", "/slow")));
        Assert.EndsWith("context deadline exceeded", Assert.IsType<RpcException>(slow.InnerException).Status.Detail, StringComparison.Ordinal);

        var big = await sidecar.Client.InvokeBindingAsync(Request("hook", "get", "/big"));
        Assert.Equal(1000, big.Data.Length);
        Assert.Equal("GET", received.Last().Method);
        Assert.Empty(received.Last().Body);
    }

    [Fact]
    public async Task An_unknown_operation_is_refused_with_the_list_daprd_gives()
    {
        var failed = await Assert.ThrowsAsync<DaprException>(() => sidecar.Client.InvokeBindingAsync(Request("hook", "exec", "/x")));
        Assert.Equal("error invoking output binding hook: binding hook does not support operation exec. supported operations:create get head post put patch delete options trace",
            Assert.IsType<RpcException>(failed.InnerException).Status.Detail);
        Assert.Empty(received);
    }

    private static BindingRequest Request(string binding, string operation, string path)
    {
        var request = new BindingRequest(binding, operation) { Data = Encoding.UTF8.GetBytes("{}") };
        request.Metadata["path"] = path;
        return request;
    }

    private sealed record Received(string Method, string Path, Dictionary<string, string> Headers, byte[] Body);
}
