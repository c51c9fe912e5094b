using System.Globalization;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace LogDapr.TestSupport;

/// <summary>Where a test's Postgres or Redis runs.</summary>
public enum TestBackendKind
{
    /// <summary>A Testcontainers container on a Docker-compatible engine (Docker, or podman's API service).</summary>
    Containers,

    /// <summary>A private server started from the machine's binaries (no engine needed).</summary>
    Binaries,
}

/// <summary>
/// Chooses the backend of the Postgres and Redis fixtures and says which one ran. <c>LOGDAPR_TEST_BACKEND</c>:
/// <c>auto</c> (default: containers when an engine answers, else binaries), <c>containers</c> (fail rather than
/// fall back: test.sh sets it once it has started podman's API service, so a broken engine cannot hide behind the
/// fallback) or <c>binaries</c>. Images: <c>LOGDAPR_TEST_POSTGRES_IMAGE</c> and <c>LOGDAPR_TEST_REDIS_IMAGE</c>,
/// by default the official ones; test.sh names the local stand-ins (deploy/test-images) where no registry answers.
/// </summary>
public static class TestBackend
{
    public const string Variable = "LOGDAPR_TEST_BACKEND";

    public static string PostgresImage => Environment.GetEnvironmentVariable("LOGDAPR_TEST_POSTGRES_IMAGE") is { Length: > 0 } image ? image : "postgres:15-alpine";

    public static string RedisImage => Environment.GetEnvironmentVariable("LOGDAPR_TEST_REDIS_IMAGE") is { Length: > 0 } image ? image : "redis:7-alpine";

    /// <summary>
    /// Resource limits every fixture container is created with, from <c>LOGDAPR_TEST_CONTAINER_ULIMITS</c>
    /// (<c>name=soft:hard</c>, comma separated). Podman's API service does not apply containers.conf's
    /// default_ulimits to containers created through the Docker-compatible API, and its own defaults cannot be set
    /// where the engine lacks CAP_SYS_RESOURCE; ensure-container-engine.sh prints the value that works there.
    /// </summary>
    public static IReadOnlyList<Docker.DotNet.Models.Ulimit> ContainerUlimits()
    {
        var value = Environment.GetEnvironmentVariable("LOGDAPR_TEST_CONTAINER_ULIMITS");
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        return value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(limit =>
        {
            var nameAndValues = limit.Split('=', 2);
            var values = nameAndValues.Length == 2 ? nameAndValues[1].Split(':') : [];
            if (values.Length != 2 || !long.TryParse(values[0], CultureInfo.InvariantCulture, out var soft) || !long.TryParse(values[1], CultureInfo.InvariantCulture, out var hard))
            {
                throw new InvalidOperationException($"LOGDAPR_TEST_CONTAINER_ULIMITS: '{limit}' is not name=soft:hard (e.g. nofile=1024:20000).");
            }

            return new Docker.DotNet.Models.Ulimit { Name = nameAndValues[0], Soft = soft, Hard = hard };
        }).ToList();
    }

    /// <summary>The backend the environment asks for; throws when it demands containers and no engine answers.</summary>
    public static TestBackendKind Choose()
    {
        var requested = Environment.GetEnvironmentVariable(Variable);
        switch (requested?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                return ContainerEngine.IsAvailable ? TestBackendKind.Containers : TestBackendKind.Binaries;
            case "containers":
                return ContainerEngine.IsAvailable
                    ? TestBackendKind.Containers
                    : throw new InvalidOperationException($"{Variable}=containers but no container engine answers at {ContainerEngine.Endpoint}; start one (tools/scripts/ensure-container-engine.sh service) or unset {Variable}.");
            case "binaries":
                return TestBackendKind.Binaries;
            default:
                throw new InvalidOperationException($"{Variable}='{requested}' is not one of auto, containers, binaries.");
        }
    }

    /// <summary>One line in the test output (xunit diagnostic messages) naming what a fixture runs on.</summary>
    public static void Report(IMessageSink? sink, string service, TestBackendKind backend, string detail)
    {
        var line = backend == TestBackendKind.Containers
            ? $"{service}: Testcontainers, image {detail}, engine {ContainerEngine.Endpoint}"
            : $"{service}: machine binaries, {detail}";
        sink?.OnMessage(new DiagnosticMessage("[test backend] {0}", line));
    }
}
