using NetPulse.Testing;
using NetPulse.Testing.Network;

namespace NetPulse.Probe.IntegrationTests.Paths;

/// <summary>A <see cref="RootFactAttribute"/> that also needs mtr, which the path prober is compared with.</summary>
public sealed class MtrFactAttribute : FactAttribute
{
    public MtrFactAttribute()
    {
        Skip = RequiredEnvironment.SkipReason(
            NetworkEnvironment.WhyNoNamespaces ?? (NetworkEnvironment.FindTool("mtr") is null ? "needs mtr: apt-get install mtr-tiny (scripts/prerequisites.sh need_path_tools)" : null));
    }
}
