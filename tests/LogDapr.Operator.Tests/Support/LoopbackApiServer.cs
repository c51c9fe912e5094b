using System.Net;
using LogDapr.Operator.Tests.Support.Fakes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogDapr.Operator.Tests.Support;

/// <summary>
/// The fake API server on a real loopback socket (Kestrel forwarding to <see cref="ApiServerHttpHandler"/>), so a
/// separately started `logdapr-operator run` process can be pointed at it with a kubeconfig.
/// </summary>
public sealed class LoopbackApiServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly HttpMessageInvoker invoker;

    private LoopbackApiServer(WebApplication app, HttpMessageInvoker invoker, string url)
    {
        this.app = app;
        this.invoker = invoker;
        Url = url;
    }

    public string Url { get; }

    public static async Task<LoopbackApiServer> StartAsync(FakeApiServer server, string user)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var invoker = new HttpMessageInvoker(new ApiServerHttpHandler(server, user) { InnerHandler = new HttpClientHandler() });
        app.Run(async context =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), "http://fake" + context.Request.Path + context.Request.QueryString);
            if (context.Request.ContentLength > 0 || context.Request.Headers.ContainsKey("Transfer-Encoding"))
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
                request.Content = new ByteArrayContent(buffer.ToArray());
                if (context.Request.ContentType is { } contentType)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
                }
            }
            using var response = await invoker.SendAsync(request, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/json";
            await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            var chunk = new byte[8192];
            int read;
            try
            {
                // Flush per read so that watch events reach the client as they happen.
                while ((read = await body.ReadAsync(chunk, context.RequestAborted)) > 0)
                {
                    await context.Response.Body.WriteAsync(chunk.AsMemory(0, read), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
                // Client closed the watch.
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LoopbackApiServer(app, invoker, address);
    }

    /// <summary>A kubeconfig for this server (plain HTTP on loopback, no credentials).</summary>
    public string WriteKubeconfig(string directory)
    {
        var path = Path.Combine(directory, "kubeconfig");
        File.WriteAllText(path, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {{Url}}
            users:
            - name: operator
              user: {token: fake-token}
            contexts:
            - name: fake
              context:
                cluster: fake
                user: operator
                namespace: ops
            current-context: fake
            """);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
        invoker.Dispose();
    }
}
