using System.Net;
using System.Net.Sockets;
using Grpc.AspNetCore.Server.Model;
using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Grpc;
using LogDapr.DevSidecar.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace LogDapr.DevSidecar.Hosting;

/// <summary>
/// A running development sidecar: the runtime plus a Kestrel host with the HTTP API on one port and h2c gRPC on
/// the other. Program.cs and in-process tests both start it through <see cref="StartAsync"/>.
/// </summary>
public sealed class SidecarHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private SidecarHost(WebApplication app, SidecarRuntime runtime, int httpPort, int grpcPort)
    {
        _app = app;
        Runtime = runtime;
        HttpPort = httpPort;
        GrpcPort = grpcPort;
    }

    public SidecarRuntime Runtime { get; }
    public int HttpPort { get; }
    public int GrpcPort { get; }
    public string HttpEndpoint => $"http://{Runtime.Options.ListenAddress}:{HttpPort}";
    public string GrpcEndpoint => $"http://{Runtime.Options.ListenAddress}:{GrpcPort}";

    public static async Task<SidecarHost> StartAsync(SidecarOptions options, CancellationToken cancellationToken = default)
    {
        var address = IPAddress.Parse(options.ListenAddress);
        var httpPort = options.HttpPort == 0 ? FreePort(address) : options.HttpPort;
        var grpcPort = options.GrpcPort == 0 ? FreePort(address, except: httpPort) : options.GrpcPort;
        options = options with { HttpPort = httpPort, GrpcPort = grpcPort };

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "logdapr-dev-sidecar",
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The sidecar's addresses come only from its flags, never from ASPNETCORE_URLS meant for the apps.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, httpPort, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(address, grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        ConfigureLogging(builder.Logging, options);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        using var bootstrapLoggers = LoggerFactory.Create(logging => ConfigureLogging(logging, options));
        var runtime = SidecarRuntime.Create(options, bootstrapLoggers);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton<DaprGrpcService>();
        builder.Services.AddSingleton<IServiceMethodProvider<DaprGrpcService>, DaprServiceMethodProvider>();
        builder.Services.AddSingleton<ApiTokenInterceptor>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ApiTokenInterceptor>();
            grpc.MaxReceiveMessageSize = 64 * 1024 * 1024;
            grpc.EnableDetailedErrors = true;
        });

        WebApplication app;
        try
        {
            app = builder.Build();
        }
        catch
        {
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        app.Use(next => HttpApi.ApiTokenMiddleware(next, options.ApiToken));
        app.Use(HttpApi.ErrorMiddleware);
        app.MapGrpcService<DaprGrpcService>();
        HttpApi.Map(app);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await runtime.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            await runtime.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        runtime.Ready = true;
        return new SidecarHost(app, runtime, httpPort, grpcPort);
    }

    /// <summary>Completes when the host is asked to stop (SIGTERM, Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        Runtime.Ready = false;
        try
        {
            await _app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await Runtime.DisposeAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void ConfigureLogging(ILoggingBuilder logging, SidecarOptions options)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(options.LogLevel);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Grpc", LogLevel.Warning);
        if (options.LogAsJson)
        {
            logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ");
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    }

    private static int FreePort(IPAddress address, int except = -1)
    {
        while (true)
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            if (port != except)
            {
                return port;
            }
        }
    }
}
