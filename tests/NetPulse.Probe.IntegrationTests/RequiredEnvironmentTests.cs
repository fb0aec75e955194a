using NetPulse.Testing;
using NetPulse.Testing.Network;

namespace NetPulse.Probe.IntegrationTests;

/// <summary>
/// Under CI the wire and end-to-end tests are never skipped (see <see cref="RequiredEnvironment"/>); this test
/// says in one line what the machine lacks, where each of those tests would fail with its own symptom.
/// </summary>
public sealed class RequiredEnvironmentTests
{
    [Fact]
    public void Under_CI_the_machine_has_what_the_wire_and_end_to_end_tests_need()
    {
        if (!RequiredEnvironment.IsCi)
        {
            Assert.Null(RequiredEnvironment.SkipReason(null));
            Assert.StartsWith("Skipped: this test needs root", RequiredEnvironment.SkipReason("needs root"), StringComparison.Ordinal);
            return;
        }

        Assert.Null(RequiredEnvironment.SkipReason("needs root"));
        Assert.True(NetworkEnvironment.WhyNoNamespaces is null, $"CI machine: the namespace tests would be skipped: {NetworkEnvironment.WhyNoNamespaces}");
        Assert.True(NetworkEnvironment.WhyNoFping is null, $"CI machine: the fping tests would be skipped: {NetworkEnvironment.WhyNoFping}");
    }
}
