using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using LogDapr.Configuration.Ingest;
using Microsoft.Extensions.Options;

namespace LogDapr.Ingest.Protocols.Otlp;

/// <summary>
/// Registers and maps OTLP/gRPC. The port it is served on (Ingest:OtlpGrpcPort, HTTP/2 only) serves nothing else, and
/// the HTTP port does not serve it: both refuse with 404, which a gRPC client reads as UNIMPLEMENTED.
/// </summary>
internal static class OtlpGrpcEndpoint
{
    public static IServiceCollection AddOtlpGrpc(this IServiceCollection services)
    {
        services.AddGrpc();
        // The message is bounded like an OTLP/HTTP body, after gzip (grpc-encoding) is undone: RESOURCE_EXHAUSTED beyond it.
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<IngestOptions>>((grpc, ingest) =>
        {
            grpc.MaxReceiveMessageSize = ingest.Value.MaxBodyBytes;
            grpc.EnableDetailedErrors = false;
        });
        services.AddSingleton<OtlpGrpcService>();
        services.AddSingleton<IServiceMethodProvider<OtlpGrpcService>, MethodProvider>();
        return services;
    }

    /// <summary>
    /// Keeps the gRPC port and the HTTP port apart; first in the pipeline. gRPC reads the whole message before the
    /// service runs, so the message's read time is bounded here: Ingest:MaxBodyReadTime, as for an HTTP body, after
    /// which the call's stream is reset (the service stops the clock once it has the message).
    /// </summary>
    public static IApplicationBuilder UseOtlpGrpcPort(this IApplicationBuilder app, int port)
    {
        var readTime = app.ApplicationServices.GetRequiredService<IOptions<IngestOptions>>().Value.MaxBodyReadTime;
        var time = app.ApplicationServices.GetRequiredService<TimeProvider>();
        return app.Use(async (context, next) =>
        {
            var onGrpcPort = context.Connection.LocalPort == port;
            var isExport = string.Equals(context.Request.Path.Value, OtlpGrpcMethod.Path, StringComparison.Ordinal);
            if (onGrpcPort != isExport)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (!onGrpcPort)
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            using var deadline = new MessageReadDeadline(context, readTime, time);
            context.Features.Set(deadline);
            await next(context).ConfigureAwait(false);
        });
    }

    public static IEndpointConventionBuilder MapOtlpGrpc(this IEndpointRouteBuilder app) => app.MapGrpcService<OtlpGrpcService>();

    /// <summary>Resets the call's stream unless <see cref="MessageRead"/> comes first.</summary>
    internal sealed class MessageReadDeadline : IDisposable
    {
        private readonly CancellationTokenSource timer;
        private readonly CancellationTokenRegistration abort;

        public MessageReadDeadline(HttpContext context, TimeSpan readTime, TimeProvider time)
        {
            timer = new CancellationTokenSource(readTime, time);
            abort = timer.Token.Register(static state => ((HttpContext)state!).Abort(), context);
        }

        public void MessageRead() => abort.Unregister();

        public void Dispose()
        {
            abort.Dispose();
            timer.Dispose();
        }
    }

    /// <summary>Binds the hand-described Export method (<see cref="OtlpGrpcMethod"/>) to the service.</summary>
    private sealed class MethodProvider : IServiceMethodProvider<OtlpGrpcService>
    {
        public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OtlpGrpcService> context)
            => context.AddUnaryMethod(OtlpGrpcMethod.Export, [], (service, request, call) => service.ExportAsync(request, call));
    }
}
