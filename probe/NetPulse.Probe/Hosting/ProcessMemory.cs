using System.Globalization;

namespace NetPulse.Probe.Hosting;

/// <summary>
/// Where the process's memory is, read at one moment: the kernel's view (resident set, split into anonymous memory and
/// mapped files, and its peak, from <c>/proc/self/status</c>) beside the GC's (managed heap and what it has committed).
/// The engine's report logs it every few minutes and at stop, so the peak a benchmark reads can be taken apart.
/// </summary>
internal readonly record struct ProcessMemory(
    long RssBytes,
    long RssAnonBytes,
    long RssFileBytes,
    long PeakRssBytes,
    int Threads,
    long GcHeapBytes,
    long GcCommittedBytes,
    long GcTotalAllocatedBytes,
    int GcCount)
{
    /// <summary>Reads both views now; the kernel's figures are 0 where <c>/proc</c> is missing (not Linux).</summary>
    public static ProcessMemory Read()
    {
        var gc = GC.GetGCMemoryInfo();
        var status = ReadStatus("/proc/self/status");
        return new ProcessMemory(
            status.GetValueOrDefault("VmRSS"),
            status.GetValueOrDefault("RssAnon"),
            status.GetValueOrDefault("RssFile") + status.GetValueOrDefault("RssShmem"),
            status.GetValueOrDefault("VmHWM"),
            (int)status.GetValueOrDefault("Threads"),
            gc.HeapSizeBytes,
            gc.TotalCommittedBytes,
            GC.GetTotalAllocatedBytes(),
            GC.CollectionCount(0));
    }

    /// <summary>The number lines of a <c>/proc/&lt;pid&gt;/status</c> text: sizes in bytes ("VmRSS: 1234 kB"), counts as they are ("Threads: 9").</summary>
    internal static Dictionary<string, long> ParseStatus(string text)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var parts = line[(colon + 1)..].Split(' ', '\t').Where(p => p.Length > 0).ToArray();
            if (parts.Length is 0 or > 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            values[line[..colon]] = parts.Length == 2 && parts[1] == "kB" ? value * 1024 : value;
        }

        return values;
    }

    private static Dictionary<string, long> ReadStatus(string path)
    {
        try
        {
            return ParseStatus(File.ReadAllText(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"resident {Mib(RssBytes)} MiB (anonymous {Mib(RssAnonBytes)}, files {Mib(RssFileBytes)}), peak {Mib(PeakRssBytes)} MiB, {Threads} threads; GC heap {Mib(GcHeapBytes)} MiB, committed {Mib(GcCommittedBytes)} MiB, {Mib(GcTotalAllocatedBytes)} MiB allocated in all, {GcCount} gen0 collections");

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
