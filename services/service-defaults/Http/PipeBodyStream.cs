using System.Buffers;
using System.IO.Pipelines;

namespace LogDapr.ServiceDefaults.Http;

/// <summary>
/// A request body's <see cref="PipeReader"/> read as a stream whose reads can be cancelled cleanly. Kestrel's own body
/// stream leaves its reader mid-read when a read is cancelled (a token, or CancelPendingRead), and then logs an Error
/// when it drains the rest of the body after the answer. Here a cancellation becomes <see cref="PipeReader.CancelPendingRead"/>,
/// and the cancelled read is completed (nothing consumed) before <see cref="OperationCanceledException"/> is thrown.
/// </summary>
internal sealed class PipeBodyStream(PipeReader reader) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        using var cancellation = cancellationToken.Register(static r => ((PipeReader)r!).CancelPendingRead(), reader);
        while (true)
        {
            var result = await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start);
                throw new OperationCanceledException("The request body read was cancelled.", cancellationToken);
            }

            var consumed = buffer.Start;
            try
            {
                if (!buffer.IsEmpty)
                {
                    var slice = buffer.Slice(0, Math.Min(buffer.Length, destination.Length));
                    slice.CopyTo(destination.Span);
                    consumed = slice.End;
                    return (int)slice.Length;
                }

                if (result.IsCompleted)
                {
                    return 0;
                }
            }
            finally
            {
                reader.AdvanceTo(consumed);
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Request bodies are read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
