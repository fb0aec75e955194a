using System.Globalization;
using System.Text.RegularExpressions;
using NetPulse.Testing.Logging;

namespace NetPulse.DevHost.Tests;

/// <summary>
/// Reads how often each queue message was delivered from the dev host's log: the WebJobs SDK logs "Trigger
/// Details: MessageId: …, DequeueCount: …" under "Function.&lt;name&gt;" at Information for every invocation, so
/// the handlers need no test hook.
/// </summary>
public static partial class TriggerLog
{
    /// <summary>The dequeue counts the trigger reported for a message, in the order it logged them.</summary>
    public static IReadOnlyList<long> Deliveries(this TestLog log, string messageId)
    {
        ArgumentNullException.ThrowIfNull(log);
        return [.. log.Entries
            .Where(e => e.Category.StartsWith("Function.", StringComparison.Ordinal))
            .Select(e => TriggerDetails().Match(e.Message))
            .Where(m => m.Success && m.Groups["id"].Value == messageId)
            .Select(m => long.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture))];
    }

    [GeneratedRegex(@"MessageId: (?<id>[^,\s]+), DequeueCount: (?<count>\d+)")]
    private static partial Regex TriggerDetails();
}
