using System.Security.Cryptography.X509Certificates;

namespace LogDapr.ServiceDefaults.Tls;

/// <summary>What one read of the files gave: the server certificate and the client CA bundle (null unless configured).</summary>
public sealed record TlsMaterial(ServerCertificate Server, X509Certificate2Collection? ClientCas, long Generation);
