using System.Collections.Concurrent;
using System.Globalization;
using LogDapr.LocalStack.Processes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogDapr.Aggregator.Tests.Support;

/// <summary>
/// The aggregator in memory with the given settings, without a sidecar (ports nobody listens on) and, unless a
/// connection string is given, without a reachable Postgres. Records every log line for assertions.
/// </summary>
internal sealed class AggregatorApp : IAsyncDisposable
{
    public const string Token = "test-app-token";

    private readonly WebApplicationFactory<Program> factory;

    /// <param name="services">Replaces registrations after the app's own (test doubles of its bindings).</param>
    public AggregatorApp(IReadOnlyDictionary<string, string?> settings, string? connectionString = null, Action<IServiceCollection>? services = null)
    {
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Postgres:ConnectionString", connectionString ?? $"Host=127.0.0.1;Port={FreePorts.Next()};Username=x;Password=x;Timeout=1");
            b.UseSetting("Auth:Enabled", "false");
            b.UseSetting("DAPR_GRPC_PORT", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
            b.UseSetting("DAPR_HTTP_PORT", FreePorts.Next().ToString(CultureInfo.InvariantCulture));
            foreach (var (key, value) in settings)
            {
                b.UseSetting(key, value);
            }

            b.ConfigureServices(services => services.AddLogging(logging => logging.AddProvider(new Recorder(Logs))));
            if (services is not null)
            {
                b.ConfigureTestServices(services);
            }
        });
    }

    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Logs { get; } = new();

    public HttpClient CreateClient() => factory.CreateClient();

    public IServiceProvider Services => factory.Services;

    public ValueTask DisposeAsync() => factory.DisposeAsync();

    private sealed class Recorder(ConcurrentQueue<(LogLevel, string, string)> logs) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(logs, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(ConcurrentQueue<(LogLevel, string, string)> logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => logs.Enqueue((logLevel, category, exception is null ? formatter(state, exception) : $"{formatter(state, exception)}: {exception}"));
    }
}
