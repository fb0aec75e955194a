using System.Globalization;
using System.Net;

namespace NetPulse.Testing.Network;

/// <summary>
/// Runs fping, the reference pinger the probe is measured against, in count mode and returns every
/// round's round-trip time per target, in order (null: no reply). Guard tests with <see cref="FpingFactAttribute"/>.
/// </summary>
public static class Fping
{
    public static Task<IReadOnlyDictionary<IPAddress, IReadOnlyList<TimeSpan?>>> PingAsync(
        IReadOnlyCollection<IPAddress> targets, int count, TimeSpan period, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        PingAsync(targets, count, period, timeout, from: null, cancellationToken);

    /// <summary>As the overload without <paramref name="from"/>, run where <paramref name="from"/>'s pinger is: its <see cref="NetworkNamespaceHost.PingerNamespace"/>, or the root namespace.</summary>
    public static async Task<IReadOnlyDictionary<IPAddress, IReadOnlyList<TimeSpan?>>> PingAsync(
        IReadOnlyCollection<IPAddress> targets, int count, TimeSpan period, TimeSpan timeout, NetworkNamespaceHost? from, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(timeout, period, nameof(timeout));
        var fping = NetworkEnvironment.RequireTool("fping", "fping");

        // -C prints every round's time, -q only that; -p is the gap between rounds to one target;
        // -t is the time a reply may take before the round counts as lost.
        IEnumerable<string> arguments =
            [
                "-q", "-C", Invariant(count),
                "-p", Invariant((int)period.TotalMilliseconds),
                "-t", Invariant((int)timeout.TotalMilliseconds),
                .. targets.Select(target => target.ToString()),
            ];
        var result = from?.PingerNamespace is null
            ? await ExternalCommand.RunAsync(fping, arguments, cancellationToken: cancellationToken)
            : await from.RunInPingerAsync(fping, arguments, cancellationToken);

        // fping exits 1 when some target never answered: a result, not a failure.
        if (result.ExitCode is not (0 or 1))
        {
            throw new InvalidOperationException($"fping exited with {result.ExitCode}: {result.StandardError.Trim()}");
        }

        var rounds = new Dictionary<IPAddress, IReadOnlyList<TimeSpan?>>();
        foreach (var line in result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "10.200.1.2 : 20.1 20.0 - 20.1"
            var parts = line.Split(" : ", 2);
            if (parts.Length == 2 && IPAddress.TryParse(parts[0], out var target))
            {
                rounds[target] = parts[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                    .Select(value => value == "-" ? (TimeSpan?)null : TimeSpan.FromMilliseconds(double.Parse(value, CultureInfo.InvariantCulture)))
                    .ToList();
            }
        }

        var missing = targets.Where(target => !rounds.ContainsKey(target)).ToList();
        return missing.Count == 0
            ? rounds
            : throw new InvalidOperationException($"fping printed no rounds for {string.Join(", ", missing)}: {result.StandardError.Trim()}");
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
