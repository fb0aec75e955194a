using Microsoft.Extensions.Options;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Icmp;

namespace NetPulse.Probe.Cli;

/// <summary>Turns the ways configuration can be wrong into one readable report on standard error.</summary>
internal static class ConfigurationErrors
{
    public const int ExitCode = 2;

    /// <summary>The exit code when the process has no way to ping (no CAP_NET_RAW, no ping_group_range, no ping utility).</summary>
    public const int NoIcmpExitCode = 3;

    /// <summary>Runs <paramref name="action"/>; a configuration problem is printed and becomes exit code 2, a process that cannot ping exit code 3.</summary>
    public static async Task<int> GuardAsync(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (IcmpUnavailableException ex)
        {
            await error.WriteLineAsync($"netpulse-probe: {ex.Message}");
            return NoIcmpExitCode;
        }
        catch (ProbeConfigurationException ex)
        {
            return Report(error, [ex.Message]);
        }
        catch (OptionsValidationException ex)
        {
            return Report(error, ex.Failures);
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder names the key and the type; that is the useful part.
            return Report(error, [ex.Message]);
        }
    }

    private static int Report(TextWriter error, IEnumerable<string> problems)
    {
        error.WriteLine("netpulse-probe: the configuration is not valid; the probe does not start:");
        foreach (var problem in problems)
        {
            error.WriteLine($"  - {problem}");
        }

        return ExitCode;
    }
}
