using NetPulse.Testing.Network;
using Xunit;

namespace NetPulse.Testing;

/// <summary>A <see cref="RootFactAttribute"/> that also needs fping, the peer the probe is measured against.</summary>
public sealed class FpingFactAttribute : FactAttribute
{
    public FpingFactAttribute()
    {
        Skip = RequiredEnvironment.SkipReason(NetworkEnvironment.WhyNoFping);
    }
}
