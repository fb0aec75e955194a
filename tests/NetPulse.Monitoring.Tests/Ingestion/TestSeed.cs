using System.Globalization;
using Xunit.Abstractions;

namespace NetPulse.Monitoring.Tests.Ingestion;

/// <summary>
/// The seed of a test's one <see cref="Random"/>: new each run, or the one in NETPULSE_TEST_SEED to repeat a run.
/// The seed goes to the test's output (shown when it fails) and into its failure messages.
/// </summary>
internal static class TestSeed
{
    public const string Variable = "NETPULSE_TEST_SEED";

    /// <param name="fixedSeed">The seed when NETPULSE_TEST_SEED is not set, for a test whose every run should see the same input; none for a new one each run.</param>
    public static int Choose(ITestOutputHelper output, int? fixedSeed = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        var text = Environment.GetEnvironmentVariable(Variable);
        int seed;
        if (string.IsNullOrWhiteSpace(text))
        {
            seed = fixedSeed ?? Random.Shared.Next();
        }
        else if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out seed))
        {
            throw new InvalidOperationException($"{Variable} '{text}' is not a whole number (a seed a test printed earlier)");
        }

        output.WriteLine($"seed {seed}: set {Variable}={seed} to repeat this run");
        return seed;
    }
}
