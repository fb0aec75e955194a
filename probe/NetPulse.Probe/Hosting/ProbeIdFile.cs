using System.Text;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Spool;

namespace NetPulse.Probe.Hosting;

/// <summary>
/// Keeps a generated probe id in the file <see cref="FileName"/> in the spool folder, beside the batches it
/// numbers, so every later start (and an upgrade that keeps the spool) reports as the same probe.
/// </summary>
/// <remarks>
/// A file that exists but holds no valid id is an error, not a reason to generate another: it was not torn by a
/// crash (the write is temp file, fsync, rename), so someone or something edited it, and a new id would make the
/// backend see a new probe while the old one goes silent. The error says how to fix it.
/// </remarks>
public static class ProbeIdFile
{
    public const string FileName = "probe-id";

    /// <summary>The id <c>run</c> uses: the configured one, else the id file's, else a new one written to the id file.</summary>
    /// <exception cref="ProbeConfigurationException">The id file holds no valid id, or cannot be read or written.</exception>
    public static ResolvedProbeId ResolveOrCreate(string? configured, string spoolFolder, string machineName)
    {
        if (Find(configured, spoolFolder) is { } found)
        {
            return found;
        }

        var path = PathIn(spoolFolder);
        try
        {
            Directory.CreateDirectory(spoolFolder);
            var temporary = $"{path}.{Guid.NewGuid():N}{DurableFile.TemporarySuffix}";
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.ASCII.GetBytes(ProbeIdentity.Generate(machineName) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            try
            {
                // No overwrite: should two starts race on one spool, the first id written is the one both keep.
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
                return new ResolvedProbeId(Read(path), ProbeIdSource.File, path);
            }

            DurableFile.FlushFolder(spoolFolder);
            return new ResolvedProbeId(Read(path), ProbeIdSource.Generated, path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ProbeConfigurationException(
                $"{path}: cannot write the generated probe id ({ex.Message}); make the spool folder writable or set Probe:Id", ex);
        }
    }

    /// <summary>Read-only (<c>status</c>, <c>check-config</c>): the configured id, else the id file's; null when neither exists yet.</summary>
    /// <exception cref="ProbeConfigurationException">The id file holds no valid id, or cannot be read.</exception>
    public static ResolvedProbeId? Find(string? configured, string spoolFolder)
    {
        if (ProbeIdentity.IsConfigured(configured))
        {
            return new ResolvedProbeId(configured!, ProbeIdSource.Configured, null);
        }

        var path = PathIn(spoolFolder);
        return File.Exists(path) ? new ResolvedProbeId(Read(path), ProbeIdSource.File, path) : null;
    }

    public static string PathIn(string spoolFolder) => Path.Combine(spoolFolder, FileName);

    private static string Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ProbeConfigurationException($"{path}: cannot read the probe id ({ex.Message}); fix its permissions or set Probe:Id", ex);
        }

        if (PingBatchRules.IsValidProbeId(text))
        {
            return text;
        }

        var shown = text.Length == 0 ? "nothing" : $"'{(text.Length > 70 ? text[..70] + "…" : text)}'";
        throw new ProbeConfigurationException(
            $"{path}: the probe id file holds {shown}, not a probe id (1-64 of A-Z a-z 0-9 . _ -, starting with a letter or digit); " +
            "write the probe's id into it, or set Probe:Id, or delete the file to generate a new id (the backend then sees a new probe)");
    }
}
