using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LogDapr.Bench.Baselines;

/// <summary>
/// The HTTP ceiling: a Kestrel endpoint that reads the whole request body and discards it, answering 202 with a body
/// of the size ingest answers. Same framework, same GC settings and process shape as ingest, nothing else: whatever
/// ingest loses against it is ingest's own work (validation, publishing, the sidecar).
/// </summary>
public static class BareKestrelServer
{
    private static readonly byte[] Answer = "{\"accepted\":0,\"rejected\":[]}"u8.ToArray();

    public static async Task RunAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.AddServerHeader = false;
        });
        var app = builder.Build();
        app.MapGet("/readyz", () => Results.Ok());
        app.MapPost("/v1/logs", DiscardAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private static async Task DiscardAsync(HttpContext context)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = Answer.Length;
        await context.Response.Body.WriteAsync(Answer, context.RequestAborted).ConfigureAwait(false);
    }
}
