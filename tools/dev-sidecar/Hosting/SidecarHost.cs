using System.Net;
using System.Net.Sockets;
using Grpc.AspNetCore.Server.Model;
using LogDapr.DevSidecar.Cli;
using LogDapr.DevSidecar.Grpc;
using LogDapr.DevSidecar.Http;
using LogDapr.DevSidecar.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace LogDapr.DevSidecar.Hosting;

/// <summary>
/// A running development sidecar: the runtime plus a Kestrel host with one HTTP/1.1 port and one h2c gRPC port per
/// app id (daprd's --dapr-http-port / --dapr-grpc-port, once per app). The first pair belongs to
/// <see cref="SidecarOptions.AppId"/>. Program.cs and in-process tests both start it through <see cref="StartAsync"/>.
/// </summary>
public sealed class SidecarHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private int stopped;

    private SidecarHost(WebApplication app, SidecarRuntime runtime, IReadOnlyList<ApiListener> listeners)
    {
        this.app = app;
        Runtime = runtime;
        Listeners = listeners;
        HttpPort = listeners[0].HttpPort;
        GrpcPort = listeners[0].GrpcPort;
    }

    public SidecarRuntime Runtime { get; }

    /// <summary>Every app id's API pair; the first is <see cref="SidecarOptions.AppId"/>'s.</summary>
    public IReadOnlyList<ApiListener> Listeners { get; }
    public int HttpPort { get; }
    public int GrpcPort { get; }

    public ApiListener Listener(string appId) => Listeners.Single(l => l.AppId == appId);
    public string HttpEndpoint => $"http://{Runtime.Options.ListenAddress}:{HttpPort}";
    public string GrpcEndpoint => $"http://{Runtime.Options.ListenAddress}:{GrpcPort}";

    public static async Task<SidecarHost> StartAsync(SidecarOptions options, CancellationToken cancellationToken = default)
    {
        var address = IPAddress.Parse(options.ListenAddress);
        var listeners = AssignPorts(options, address);
        options = options with { HttpPort = listeners[0].HttpPort, GrpcPort = listeners[0].GrpcPort };

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = "logdapr-dev-sidecar",
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The sidecar's addresses come only from its flags, never from ASPNETCORE_URLS meant for the apps.
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, "");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (var listener in listeners)
            {
                kestrel.Listen(address, listener.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
                kestrel.Listen(address, listener.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
            }

            // --max-body-size is enforced by the API (with daprd's errors); Kestrel only stops what is far beyond it.
            kestrel.Limits.MaxRequestBodySize = 2L * options.MaxBodySize + 1024 * 1024;
        });
        ConfigureLogging(builder.Logging, options);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        using var bootstrapLoggers = LoggerFactory.Create(logging => ConfigureLogging(logging, options));
        var runtime = SidecarRuntime.Create(options, bootstrapLoggers);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(runtime);
        builder.Services.AddSingleton(new ApiCallers(listeners));
        builder.Services.AddSingleton<DaprGrpcService>();
        builder.Services.AddSingleton<IServiceMethodProvider<DaprGrpcService>, DaprServiceMethodProvider>();
        builder.Services.AddSingleton<ApiTokenInterceptor>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ApiTokenInterceptor>();
            // The Dapr methods check --max-body-size themselves with grpc-go's error; this only bounds buffering.
            grpc.MaxReceiveMessageSize = 2 * options.MaxBodySize + 1024 * 1024;
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
        return new SidecarHost(app, runtime, listeners);
    }

    /// <summary>Completes when the host is asked to stop (SIGTERM, Ctrl+C).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => this.app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        Runtime.Ready = false;
        try
        {
            await this.app.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            await Runtime.DisposeAsync().ConfigureAwait(false);
            await this.app.DisposeAsync().ConfigureAwait(false);
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
            // RFC 3339 in UTC: the console formatter writes the pattern verbatim, so the Z is only true with UseUtcTimestamp.
            logging.AddJsonConsole(o =>
            {
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
                o.UseUtcTimestamp = true;
                o.ColorBehavior = LoggerColorBehavior.Disabled;
            });
        }
    }

    private static List<ApiListener> AssignPorts(SidecarOptions options, IPAddress address)
    {
        var used = new HashSet<int>(options.AppPorts.Values.SelectMany(p => new[] { p.Http, p.Grpc }).Append(options.HttpPort).Append(options.GrpcPort).Where(p => p != 0));
        int Pick(int wanted) => wanted != 0 ? wanted : FreePort(address, used);
        var listeners = new List<ApiListener>();
        foreach (var appId in options.ApiAppIds)
        {
            var (http, grpc) = appId == options.AppId ? (options.HttpPort, options.GrpcPort) : options.AppPorts.GetValueOrDefault(appId);
            listeners.Add(new ApiListener(appId, Pick(http), Pick(grpc)));
        }

        return listeners;
    }

    private static int FreePort(IPAddress address, HashSet<int> used)
    {
        while (true)
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            var port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            if (used.Add(port))
            {
                return port;
            }
        }
    }
}
