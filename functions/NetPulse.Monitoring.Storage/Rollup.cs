namespace NetPulse.Monitoring.Storage;

/// <summary>One target's statistics over one UTC hour or minute (<see cref="Start"/> to <see cref="Start"/> + <see cref="Length"/>).</summary>
public sealed record Rollup
{
    public required string ProbeId { get; init; }

    public required string TargetName { get; init; }

    /// <summary>The UTC start of the hour or minute.</summary>
    public required DateTimeOffset Start { get; init; }

    public required TimeSpan Length { get; init; }

    public required SampleStatistics Statistics { get; init; }
}
