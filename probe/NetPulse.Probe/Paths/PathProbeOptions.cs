namespace NetPulse.Probe.Paths;

/// <summary>How one path snapshot is taken. The defaults are mtr's (10 cycles, 30 hops, a cycle a second), paced gently.</summary>
internal sealed record PathProbeOptions
{
    public int Cycles { get; init; } = 10;

    public int MaxHops { get; init; } = 30;

    /// <summary>The most echo requests one snapshot sends per second, all TTLs together (routers rate-limit their answers).</summary>
    public double ProbesPerSecond { get; init; } = 20;

    /// <summary>Time from the start of one cycle to the start of the next (mtr's <c>-i</c>).</summary>
    public TimeSpan CycleInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a probe may wait for its answer.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>What is wrong with these options, in words that name the setting; empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (Cycles is < 1 or > NetPulse.Contracts.PathSnapshot.MaxCycles)
        {
            yield return $"cycles must be between 1 and {NetPulse.Contracts.PathSnapshot.MaxCycles}";
        }

        if (MaxHops is < 1 or > NetPulse.Contracts.PathSnapshot.MaxHops)
        {
            yield return $"max hops must be between 1 and {NetPulse.Contracts.PathSnapshot.MaxHops}";
        }

        if (!(ProbesPerSecond is >= 1 and <= PathProber.GlobalProbesPerSecond))
        {
            yield return $"probes per second must be between 1 and {PathProber.GlobalProbesPerSecond}";
        }

        if (CycleInterval < TimeSpan.FromMilliseconds(10) || CycleInterval > TimeSpan.FromMinutes(1))
        {
            yield return "the cycle interval must be between 10 ms and 60 s";
        }

        if (ReplyTimeout < TimeSpan.FromMilliseconds(10) || ReplyTimeout > TimeSpan.FromSeconds(10))
        {
            yield return "the reply timeout must be between 10 ms and 10 s";
        }
    }
}
