using System.Runtime.InteropServices;

namespace NetPulse.Probe.Spool;

/// <summary>
/// Writes files so that after a crash or power loss a reader finds either the old content or the
/// whole new content, never a torn mix: write a temporary file, flush it to the disk, rename it over
/// the final name (atomic on one file system), then flush the folder so the rename itself is durable.
/// </summary>
internal static class DurableFile
{
    /// <summary>The suffix of a file still being written; one left behind marks an interrupted write.</summary>
    public const string TemporarySuffix = ".tmp";

    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var temporary = path + TemporarySuffix;
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous))
        {
            await stream.WriteAsync(content, cancellationToken);

            // There is no asynchronous fsync; the file is small, so the blocking flush is short.
            stream.Flush(flushToDisk: true);
        }

        ReplaceWith(temporary, path);
    }

    /// <summary>The same as <see cref="WriteAsync"/>, for the one write made while the spool opens (in a constructor).</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        var temporary = path + TemporarySuffix;
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        ReplaceWith(temporary, path);
    }

    private static void ReplaceWith(string temporary, string path)
    {
        File.Move(temporary, path, overwrite: true);
        FlushFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Makes renames and deletions in <paramref name="folder"/> durable. Linux needs an fsync of the
    /// folder itself for that; .NET cannot open a folder as a stream, so this goes to libc. Windows
    /// journals NTFS metadata and offers no such call, so there it does nothing.
    /// </summary>
    public static void FlushFolder(string folder)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            return;
        }

        var descriptor = Native.Open(folder, Native.ReadOnly);
        if (descriptor < 0)
        {
            // A folder we cannot open for fsync is still usable; the files themselves were flushed.
            return;
        }

        try
        {
            _ = Native.Fsync(descriptor);
        }
        finally
        {
            _ = Native.Close(descriptor);
        }
    }

    private static class Native
    {
        public const int ReadOnly = 0;

        [DllImport("libc", EntryPoint = "open", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open(string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Fsync(int descriptor);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int descriptor);
    }
}
