namespace LogDapr.ServiceDefaults.Tls;

/// <summary>A TLS file that cannot be used, with a message naming the setting and the file.</summary>
public sealed class TlsFileException(string message, Exception? inner = null) : Exception(message, inner);
