namespace NetPulse.Monitoring.Storage;

/// <summary>
/// A timer's step run for each probe in turn (the watchdog, compaction): one probe's failure, a corrupt batch say,
/// must not starve the others, so it is logged on one line with the probe and the reason and the loop goes on. The
/// run still fails at the end, with every failure inside, so the timer's failure shows; cancellation ends it at once.
/// </summary>
internal static class EachProbe
{
    /// <summary>Runs <paramref name="body"/> for every probe the targets table knows, as it holds them now.</summary>
    public static async Task RunAsync(
        ProbeStateStore states, string step, ILogger logger, Func<ProbeState, Task> body, CancellationToken cancellationToken) =>
        await RunAsync(await states.ReadAllAsync(cancellationToken), step, logger, body, cancellationToken);

    /// <summary>Runs <paramref name="body"/> for each of <paramref name="probes"/>, read by the caller.</summary>
    public static async Task RunAsync(
        IReadOnlyList<ProbeState> probes, string step, ILogger logger, Func<ProbeState, Task> body, CancellationToken cancellationToken)
    {
        var failures = new List<Exception>();
        var failed = new List<string>();
        foreach (var probe in probes)
        {
            try
            {
                await body(probe);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogError("{Step} of probe {ProbeId} failed, going on with the next probe: {Reason}", step, probe.ProbeId, ex.Message);
                failures.Add(ex);
                failed.Add(probe.ProbeId);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException(
                $"{step} failed for {failed.Count} of {probes.Count} probes ({string.Join(", ", failed)}); the others were handled", failures);
        }
    }
}
