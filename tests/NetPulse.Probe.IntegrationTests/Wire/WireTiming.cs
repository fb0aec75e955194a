namespace NetPulse.Probe.IntegrationTests.Wire;

/// <summary>
/// Tests that judge round-trip times to about a millisecond. Run alongside each other (busy responders, fping and
/// two engines on 2 cores), their replies were scheduled late by more than that window; alone, they measure the
/// code rather than the neighbours. xunit runs this collection after the parallel ones, one test at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WireTiming
{
    public const string Name = "Wire timing";
}
