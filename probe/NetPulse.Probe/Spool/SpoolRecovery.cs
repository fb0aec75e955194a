using Microsoft.Extensions.Logging;

namespace NetPulse.Probe.Spool;

/// <summary>
/// What the spool does once, when it opens: reads its state file, finishes or sets aside writes a crash
/// interrupted, checks the header of every batch file, sets torn ones aside in <c>corrupt/</c> and removes
/// those already sent. Nothing unreadable is deleted; everything set aside is logged with its reason.
/// </summary>
internal sealed partial class SpoolRecovery(string spoolPath, SpoolQuarantine quarantine, ILogger logger)
{
    /// <summary>The spool's state and its sendable batches, oldest first, as found on disk.</summary>
    public (SpoolState State, IReadOnlyList<SpoolEntry> Entries) Recover()
    {
        var state = LoadState();
        var lastSent = state.LastSentSequence ?? -1;
        RecoverInterruptedWrites(lastSent);

        var entries = new List<SpoolEntry>();
        var alreadySent = new List<long>();
        foreach (var (sequence, file) in SpoolFile.ListIn(spoolPath))
        {
            if (SpoolFile.TryReadHeader(file.FullName, sequence, out var windowStart) is { } problem)
            {
                quarantine.SetAside(file.FullName, BatchSpool.CorruptFolderName, problem);
                continue;
            }

            if (sequence <= lastSent)
            {
                // Sends go oldest first and are recorded before the file is deleted: a crash between the
                // two leaves this file behind, and sending it again would only make a duplicate.
                File.Delete(file.FullName);
                alreadySent.Add(sequence);
                continue;
            }

            entries.Add(new SpoolEntry(sequence, windowStart, file.Length));
        }

        if (alreadySent.Count > 0)
        {
            LogAlreadySentRemoved(alreadySent.Count, alreadySent[0], alreadySent[^1]);
        }

        return (state, entries);
    }

    private SpoolState LoadState()
    {
        try
        {
            return SpoolState.Read(spoolPath) ?? new SpoolState();
        }
        catch (InvalidDataException ex)
        {
            // Only numbering and the last-send time live there; the batch files carry the numbering on.
            quarantine.SetAside(Path.Combine(spoolPath, SpoolState.FileName), BatchSpool.CorruptFolderName, ex.Message);
            return new SpoolState();
        }
    }

    /// <summary>
    /// A crash between writing a batch's temporary file and renaming it leaves the temporary file: when
    /// it is whole, it holds a batch that was never sent, so it takes its place; when not, it is set aside.
    /// </summary>
    private void RecoverInterruptedWrites(long lastSent)
    {
        foreach (var temporary in Directory.EnumerateFiles(spoolPath, "*" + DurableFile.TemporarySuffix).Order(StringComparer.Ordinal).ToList())
        {
            var finalPath = temporary[..^DurableFile.TemporarySuffix.Length];
            var finalName = Path.GetFileName(finalPath);
            if (finalName == SpoolState.FileName)
            {
                // The state file is rewritten whole after every send; the old one (or none) still stands.
                File.Delete(temporary);
                continue;
            }

            if (SpoolFile.SequenceFromName(finalName) is not { } sequence)
            {
                continue; // not ours
            }

            var problem = SpoolFile.TryParse(File.ReadAllBytes(temporary), sequence, out _);
            if (problem is null && sequence > lastSent && !File.Exists(finalPath))
            {
                File.Move(temporary, finalPath);
                DurableFile.FlushFolder(spoolPath);
                LogRecovered(sequence, temporary);
                continue;
            }

            quarantine.SetAside(temporary, BatchSpool.CorruptFolderName, "left by a write that a crash interrupted: " + (problem ?? "the batch was already spooled or sent"));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} batch files that were sent before a restart (sequences {First}-{Last})")]
    private partial void LogAlreadySentRemoved(int count, long first, long last);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered batch {Sequence} from {File}, written whole just before a crash")]
    private partial void LogRecovered(long sequence, string file);
}

/// <summary>One batch waiting in the spool: its number, where its samples begin, and its size on disk.</summary>
internal readonly record struct SpoolEntry(long Sequence, DateTimeOffset WindowStart, long Bytes);
