namespace NetPulse.Probe.Spool;

/// <summary>
/// Reads a spool's status from its folder without opening it: what the CLI's <c>status</c> command shows,
/// from another process while the probe runs. Changes nothing on disk.
/// </summary>
public static class SpoolStatusReader
{
    public static SpoolStatus Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var folder = Path.GetFullPath(path);
        SpoolState? state = null;
        if (Directory.Exists(folder))
        {
            try
            {
                state = SpoolState.Read(folder);
            }
            catch (InvalidDataException)
            {
                // The running probe sets a bad state file aside and rebuilds it; a reader just goes without.
            }
        }

        var count = 0;
        var bytes = 0L;
        long? oldest = null;
        DateTimeOffset? oldestWindow = null;
        var highest = -1L;
        foreach (var (sequence, file) in SpoolFile.ListIn(folder))
        {
            long length;
            try
            {
                length = file.Length;
            }
            catch (FileNotFoundException)
            {
                continue; // sent while we looked
            }

            count++;
            bytes += length;
            highest = Math.Max(highest, sequence);
            if (oldest is null && SpoolFile.TryReadHeader(file.FullName, sequence, out var windowStart) is null)
            {
                oldest = sequence;
                oldestWindow = windowStart;
            }
        }

        return new SpoolStatus
        {
            BatchCount = count,
            Bytes = bytes,
            OldestSequence = oldest,
            OldestWindowStart = oldestWindow,
            LastSentSequence = state?.LastSentSequence,
            LastSentAt = state?.LastSentAt,
            NextSequence = NextSequence(state, highest),
            CorruptCount = CountSetAside(folder, BatchSpool.CorruptFolderName),
            RejectedCount = CountSetAside(folder, BatchSpool.RejectedFolderName),
        };
    }

    /// <summary>
    /// The number the next batch gets: past the recorded one, the last sent and the highest file on disk,
    /// so a lost or stale state file never makes a number come round again.
    /// </summary>
    internal static long NextSequence(SpoolState? state, long highestOnDisk) =>
        Math.Max(Math.Max(state?.NextSequence ?? 0, (state?.LastSentSequence ?? -1) + 1), highestOnDisk + 1);

    /// <summary>How many files sit in the spool's side folder <paramref name="folderName"/>.</summary>
    internal static int CountSetAside(string spoolPath, string folderName)
    {
        var folder = Path.Combine(spoolPath, folderName);
        try
        {
            return Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Count() : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
