using Microsoft.Extensions.Logging;

namespace NetPulse.Probe.Spool;

/// <summary>
/// What the spool does once, when it opens: reads its state file, finishes or sets aside writes a crash
/// interrupted, checks the header of every batch file, sets torn ones aside in <c>corrupt/</c> and removes
/// those already sent. Nothing unreadable is deleted; everything set aside is logged with its reason.
/// </summary>
internal sealed partial class SpoolRecovery(string spoolPath, SpoolQuarantine quarantine, TimeProvider time, ILogger logger)
{
    /// <summary>The spool's state (its next sequence settled) and its sendable batches, oldest first, as found on disk.</summary>
    public (SpoolState State, IReadOnlyList<SpoolEntry> Entries) Recover()
    {
        var (state, lost) = LoadState();
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

        var next = SpoolStatusReader.NextSequence(state, entries.Count > 0 ? entries[^1].Sequence : -1);
        if (lost && entries.Count == 0)
        {
            state = RenumberAfterLostState(next);
            next = state.NextSequence;
        }

        return (state with { NextSequence = next }, entries);
    }

    private (SpoolState State, bool Lost) LoadState()
    {
        try
        {
            return (SpoolState.Read(spoolPath) ?? new SpoolState(), false);
        }
        catch (InvalidDataException ex)
        {
            // Only numbering and the last-send time live there; batch files still waiting carry the numbering on.
            quarantine.SetAside(Path.Combine(spoolPath, SpoolState.FileName), BatchSpool.CorruptFolderName, ex.Message);
            return (new SpoolState(), true);
        }
    }

    /// <summary>
    /// With the state file lost and no batch file waiting, nothing says how far the numbering got, and starting
    /// again from 0 would reuse numbers the backend already holds (it keeps, per sample slot, the batch with the
    /// higher number). So numbering jumps to the clock's Unix time in milliseconds: above any number this probe
    /// used, as it closes far fewer than 1,000 batches a second, and above the batches set aside. Written at once,
    /// so a second crash before the first batch keeps the jump.
    /// </summary>
    private SpoolState RenumberAfterLostState(long next)
    {
        var setAside = new[] { BatchSpool.CorruptFolderName, BatchSpool.RejectedFolderName }
            .SelectMany(folder => SpoolFile.ListIn(Path.Combine(spoolPath, folder)))
            .Select(f => f.Sequence + 1)
            .DefaultIfEmpty(0)
            .Max();
        var state = new SpoolState { NextSequence = Math.Max(Math.Max(next, setAside), time.GetUtcNow().ToUnixTimeMilliseconds()) };
        SpoolState.Write(spoolPath, state);
        LogRenumbered(state.NextSequence);
        return state;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The spool state was unreadable and no batch file is waiting to carry the numbering on: batches are numbered from {Next} (the clock's Unix milliseconds), so no number is used twice")]
    private partial void LogRenumbered(long next);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovered batch {Sequence} from {File}, written whole just before a crash")]
    private partial void LogRecovered(long sequence, string file);
}

/// <summary>One batch waiting in the spool: its number, where its samples begin, and its size on disk.</summary>
internal readonly record struct SpoolEntry(long Sequence, DateTimeOffset WindowStart, long Bytes);
