using System.Security.Cryptography;
using NetPulse.Contracts;
using NetPulse.Probe.Configuration;

namespace NetPulse.Probe.Sending;

/// <summary>
/// The probe's private key: ECDSA P-256, PKCS#8 PEM in <c>probe.key</c> in the spool folder, readable by its owner
/// only (0600). It lives beside the spool because the spool is the one folder the probe's service account owns and
/// keeps across upgrades; <c>netpulse-probe enroll</c> makes it, and the backend learns its public half by registration.
/// </summary>
internal static class ProbeKeyFile
{
    public const string FileName = "probe.key";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathIn(string spoolPath) => Path.Combine(spoolPath, FileName);

    /// <summary>Reads the key in <paramref name="spoolPath"/>.</summary>
    /// <exception cref="ProbeConfigurationException">There is none (run <c>netpulse-probe enroll</c>), or it is not a P-256 private key.</exception>
    public static ECDsa Load(string spoolPath)
    {
        var path = PathIn(spoolPath);
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ProbeConfigurationException(
                $"{path}: this probe has no key, so the backend would refuse its batches; run 'netpulse-probe enroll' (with the same settings) to make one and register it");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ProbeConfigurationException($"{path}: the probe's key cannot be read: {ex.Message}", ex);
        }

        var key = ProbeKeys.Create();
        try
        {
            key.ImportFromPem(pem);
            return key;
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new ProbeConfigurationException(
                $"{path}: not an ECDSA P-256 private key in PKCS#8 PEM ({ex.Message}); move it away and run 'netpulse-probe enroll' for a new key (and register it again)", ex);
        }
    }

    /// <summary>
    /// Reads the key in <paramref name="spoolPath"/>, or makes one when there is none (<paramref name="created"/>).
    /// Never replaces a key: the backend knows the existing one.
    /// </summary>
    public static ECDsa LoadOrCreate(string spoolPath, out bool created)
    {
        var path = PathIn(spoolPath);
        created = false;
        if (File.Exists(path))
        {
            return Load(spoolPath);
        }

        Directory.CreateDirectory(spoolPath);
        var key = ProbeKeys.Create();
        var temporary = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        if (!OperatingSystem.IsWindows())
        {
            // UnixCreateMode applies only to a file this call created, and the umask still narrows it: say it outright.
            File.SetUnixFileMode(temporary, OwnerOnly);
        }

        try
        {
            // Whole or not at all, and never over a key another enroll wrote meanwhile.
            File.Move(temporary, path, overwrite: false);
            created = true;
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            key.Dispose();
            return Load(spoolPath);
        }
    }
}
