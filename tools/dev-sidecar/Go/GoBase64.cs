namespace LogDapr.DevSidecar.Go;

/// <summary>
/// Go's <c>base64.StdEncoding.DecodeString</c>: the standard alphabet with padding; '\r' and '\n' are skipped
/// anywhere, every other byte outside the alphabet is an error (unlike .NET, which also skips spaces and tabs).
/// </summary>
public static class GoBase64
{
    public static bool TryDecodeStd(ReadOnlySpan<byte> input, out byte[] value)
    {
        value = [];
        var chars = new char[input.Length];
        var n = 0;
        foreach (var b in input)
        {
            if (b is (byte)'\r' or (byte)'\n')
            {
                continue;
            }

            if (!(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/' or (byte)'='))
            {
                return false;
            }

            chars[n++] = (char)b;
        }

        if (n % 4 != 0)
        {
            return false;
        }

        var buffer = new byte[n / 4 * 3];
        if (!Convert.TryFromBase64Chars(chars.AsSpan(0, n), buffer, out var written))
        {
            return false;
        }

        value = buffer[..written];
        return true;
    }
}
