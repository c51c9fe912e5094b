using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace LogDapr.DevSidecar.PubSub.Journal;

/// <summary>
/// One journal file. Readers (payloads evicted from memory) take a reference so compaction can delete the file
/// while a delivery is still reading from it; the handle closes when the last reference goes.
/// </summary>
public sealed class JournalSegment
{
    private readonly object gate = new();
    private int references = 1; // the journal's own reference
    private bool deleted;

    private JournalSegment(int id, string path, SafeFileHandle handle, long length)
    {
        Id = id;
        Path = path;
        Handle = handle;
        Length = length;
    }

    public int Id { get; }
    public string Path { get; }
    public SafeFileHandle Handle { get; }

    /// <summary>Bytes durably written (only the writer thread changes it).</summary>
    public long Length { get; set; }

    public static string FileName(int id) => $"segment-{id.ToString("D10", CultureInfo.InvariantCulture)}.journal";

    public static bool TryParseId(string fileName, out int id)
    {
        id = 0;
        return fileName.StartsWith("segment-", StringComparison.Ordinal)
            && fileName.EndsWith(".journal", StringComparison.Ordinal)
            && int.TryParse(fileName["segment-".Length..^".journal".Length], NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    public static JournalSegment Open(string directory, int id, bool create)
    {
        var path = System.IO.Path.Combine(directory, FileName(id));
        var handle = File.OpenHandle(path, create ? FileMode.CreateNew : FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        return new JournalSegment(id, path, handle, RandomAccess.GetLength(handle));
    }

    public bool TryAcquire()
    {
        lock (gate)
        {
            if (deleted)
            {
                return false;
            }

            references++;
            return true;
        }
    }

    public void Release()
    {
        bool close;
        lock (gate)
        {
            close = --references == 0;
        }

        if (close)
        {
            Handle.Dispose();
        }
    }

    /// <summary>Removes the file; the handle stays usable for readers that already hold a reference.</summary>
    public void Delete()
    {
        lock (gate)
        {
            if (deleted)
            {
                return;
            }

            deleted = true;
        }

        File.Delete(Path);
        Release();
    }

    /// <summary>Closes without deleting (shutdown).</summary>
    public void Close()
    {
        lock (gate)
        {
            if (deleted)
            {
                return;
            }

            deleted = true;
        }

        Release();
    }
}
