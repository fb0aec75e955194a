using System.Text;

namespace NetPulse.Probe.Configuration;

/// <summary>The probe's id: as configured, or the machine name made into a valid id.</summary>
public static class ProbeIdentity
{
    public static string Resolve(string? configured) =>
        string.IsNullOrWhiteSpace(configured) ? FromMachineName(Environment.MachineName) : configured;

    internal static string FromMachineName(string machineName)
    {
        var id = new StringBuilder(machineName.Length);
        foreach (var c in machineName)
        {
            id.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }

        var result = id.ToString().TrimStart('.', '_', '-');
        result = result.Length > 64 ? result[..64] : result;
        return result.Length == 0 ? "probe" : result;
    }
}
