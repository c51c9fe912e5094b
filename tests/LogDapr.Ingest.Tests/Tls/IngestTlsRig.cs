using System.Globalization;
using LogDapr.Ingest.Tests.Support;
using LogDapr.LocalStack.Processes;
using LogDapr.TestSupport;

namespace LogDapr.Ingest.Tests.Tls;

/// <summary>Ingest on real Kestrel sockets with HTTPS on its HTTP and OTLP/gRPC listeners, API keys on, through a real sidecar.</summary>
internal sealed class IngestTlsRig : IDisposable
{
    public IngestTlsRig(SidecarFixture sidecar, string clientCertificates = "None", bool otlpGrpc = true)
    {
        AcmeKey = Keys.Add("acme");
        var port = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        var settings = Tls.ServerSettings(clientCertificates);
        settings["urls"] = $"https://127.0.0.1:{port}";
        settings["Auth:Enabled"] = "true";
        settings["Auth:KeysPath"] = Keys.Path;
        if (otlpGrpc)
        {
            settings["Ingest:OtlpGrpcPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        }

        Factory = new IngestFactory(sidecar.GrpcPort, sidecar.HttpPort, settings);
        if (otlpGrpc)
        {
            var (http, grpc) = Factory.StartWithOtlpGrpc();
            Https = new Uri($"https://localhost:{http.Port.ToString(CultureInfo.InvariantCulture)}");
            Grpc = new Uri($"https://localhost:{grpc.Port.ToString(CultureInfo.InvariantCulture)}");
        }
        else
        {
            Factory.UseKestrel();
            Factory.StartServer();
            Https = new Uri($"https://localhost:{port}");
            Grpc = Https;
        }
    }

    public TestTls Tls { get; } = new();

    public KeyDirectory Keys { get; } = new();

    public IngestFactory Factory { get; }

    public string AcmeKey { get; }

    /// <summary>The HTTPS address, by the name in the server certificate.</summary>
    public Uri Https { get; }

    public Uri Grpc { get; }

    public void Dispose()
    {
        Factory.Dispose();
        Keys.Dispose();
        Tls.Dispose();
    }
}
