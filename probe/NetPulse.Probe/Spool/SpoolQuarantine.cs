using System.Globalization;
using Microsoft.Extensions.Logging;

namespace NetPulse.Probe.Spool;

/// <summary>
/// Sets spool files aside, in <c>corrupt/</c> (unreadable) or <c>rejected/</c> (refused by the queue), rather
/// than delete them: a person can still look at what was lost and why. Every move is logged with its reason.
/// </summary>
internal sealed partial class SpoolQuarantine(string spoolPath, TimeProvider time, ILogger logger)
{
    /// <summary>Moves <paramref name="path"/> into the side folder <paramref name="folderName"/>, never over another file there.</summary>
    public void SetAside(string path, string folderName, string reason)
    {
        var folder = Path.Combine(spoolPath, folderName);
        Directory.CreateDirectory(folder);
        var name = Path.GetFileName(path);
        var destination = Path.Combine(folder, name);
        if (File.Exists(destination))
        {
            destination = Path.Combine(
                folder,
                name + "." + time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        try
        {
            File.Move(path, destination);
            DurableFile.FlushFolder(folder);
            DurableFile.FlushFolder(spoolPath);
        }
        catch (FileNotFoundException)
        {
            return;
        }

        if (folderName == BatchSpool.RejectedFolderName)
        {
            LogRejected(name, reason, destination);
        }
        else
        {
            LogSetAside(name, reason, destination);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spool file {File} is unusable ({Reason}); moved to {Destination} and skipped")]
    private partial void LogSetAside(string file, string reason, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch file {File} can never be sent ({Reason}); moved to {Destination} so later batches keep flowing")]
    private partial void LogRejected(string file, string reason, string destination);
}
