using System.Buffers.Text;
using System.Text;
using NetPulse.Contracts;
using NetPulse.Monitoring.Storage;

namespace NetPulse.Monitoring.Api;

/// <summary>
/// A target's id in the API: "probeId~key", the key being <see cref="TableKeys.TargetKey"/> (URL-safe Base64 of the
/// name). Target names are text from config and never go into a URL raw; probe ids (A-Z a-z 0-9 . _ -) and the key
/// alphabet never hold "~", so the id splits back unambiguously and every character is URL-safe.
/// </summary>
public static class TargetIds
{
    public const char Separator = '~';

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Format(string probeId, string targetName)
    {
        ArgumentException.ThrowIfNullOrEmpty(probeId);
        return string.Concat(probeId, Separator.ToString(), TableKeys.TargetKey(targetName));
    }

    /// <summary>Splits an id into probe and target name; false, with the reason, for anything <see cref="Format"/> cannot have made.</summary>
    public static bool TryParse(string? id, out string probeId, out string targetName, out string problem)
    {
        probeId = targetName = problem = "";
        var separator = id?.IndexOf(Separator, StringComparison.Ordinal) ?? -1;
        if (id is null || separator <= 0 || separator == id.Length - 1)
        {
            problem = "a target id is a probe id, '~' and a key, as /api/targets lists them";
            return false;
        }

        var probe = id[..separator];
        var key = id[(separator + 1)..];
        if (!PingBatchRules.IsValidProbeId(probe))
        {
            problem = "the part before '~' is no probe id";
            return false;
        }

        string name;
        try
        {
            name = StrictUtf8.GetString(Base64Url.DecodeFromChars(key));
        }
        catch (FormatException)
        {
            problem = "the part after '~' is not URL-safe Base64";
            return false;
        }
        catch (DecoderFallbackException)
        {
            problem = "the part after '~' is not the key of a target name";
            return false;
        }

        // The canonical key only: one target, one id.
        if (TargetSettings.DescribeInvalidName(name) is not null || TableKeys.TargetKey(name) != key)
        {
            problem = "the part after '~' is not the key of a target name";
            return false;
        }

        probeId = probe;
        targetName = name;
        return true;
    }
}
