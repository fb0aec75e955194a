using System.Text.RegularExpressions;

namespace NetPulse.Contracts;

/// <summary>The consistency rules every ping batch obeys, shared by the writer and the reader.</summary>
public static partial class PingBatchRules
{
    public const int MaxProbeIdLength = 64;
    public const int MaxTargetsPerBatch = 1000;

    /// <summary>Path snapshots are taken rarely (trouble beginning, an hourly baseline): more than this in one batch is a bug.</summary>
    public const int MaxPathsPerBatch = 8;

    /// <summary>A batch window never spans more than an hour: offsets stay well inside an int and one UTC day or two.</summary>
    public const int MaxOffsetMs = 3_600_000;

    private static readonly DateTimeOffset EarliestWindow = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LatestWindow = new(2100, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ProbeIdPattern();

    /// <summary>True when <paramref name="probeId"/> is a valid probe id.</summary>
    public static bool IsValidProbeId(string? probeId) => probeId is not null && ProbeIdPattern().IsMatch(probeId);

    /// <exception cref="InvalidPingBatchException">The batch breaks a rule; the message names it.</exception>
    public static void Check(PingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!PingBatch.IsKnownVersion(batch.Version))
        {
            throw Invalid($"unsupported ping-batch version {batch.Version}; this code understands versions {PingBatch.JsonVersion} (JSON) and {PingBatch.BinaryVersion} (binary)");
        }

        if (!IsValidProbeId(batch.ProbeId))
        {
            throw Invalid("'probeId' must be 1-64 characters of A-Z a-z 0-9 . _ -, starting with a letter or digit");
        }

        if (batch.Sequence < 0)
        {
            throw Invalid($"'sequence' is {batch.Sequence}; it must not be negative");
        }

        if (batch.WindowStart < EarliestWindow || batch.WindowStart >= LatestWindow)
        {
            throw Invalid($"'windowStart' {batch.WindowStart:O} is outside 2000-2099");
        }

        if (batch.Targets is null || batch.Targets.Count == 0)
        {
            throw Invalid("'targets' must hold at least one target");
        }

        if (batch.Targets.Count > MaxTargetsPerBatch)
        {
            throw Invalid($"'targets' holds {batch.Targets.Count} targets; at most {MaxTargetsPerBatch} are allowed");
        }

        if (batch.Status is { } status)
        {
            foreach (var (field, problem) in status.Problems())
            {
                throw Invalid($"status.{field} {problem}");
            }
        }

        if (batch.Paths is { } paths)
        {
            CheckPaths(paths);
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < batch.Targets.Count; i++)
        {
            var target = batch.Targets[i] ?? throw Invalid($"targets[{i}] is null");
            CheckTarget(target, i);
            if (!names.Add(target.Name))
            {
                throw Invalid($"targets[{i}]: the name '{target.Name}' appears twice");
            }
        }
    }

    private static void CheckPaths(IReadOnlyList<PathSnapshot> paths)
    {
        if (paths.Count > MaxPathsPerBatch)
        {
            throw Invalid($"'paths' holds {paths.Count} snapshots; at most {MaxPathsPerBatch} are allowed");
        }

        for (var i = 0; i < paths.Count; i++)
        {
            var path = paths[i] ?? throw Invalid($"paths[{i}] is null");
            foreach (var (field, problem) in path.Problems())
            {
                throw Invalid($"paths[{i}].{field} {problem}");
            }
        }
    }

    private static void CheckTarget(TargetSamples target, int index)
    {
        // The target's part of a message is made only for a message (Where, below): made up front, two strings for
        // every target of every batch checked, it was a measurable share of what the probe allocates (it checks each
        // batch when it encodes it and again when its sender decodes it).
        if (TargetSettings.DescribeInvalidName(target.Name) is { } nameProblem)
        {
            throw Invalid($"targets[{index}].name {nameProblem}");
        }

        foreach (var (field, problem) in target.Problems())
        {
            throw Invalid($"{Where()}.{field} {problem}");
        }

        if (target.Samples is null || target.Samples.Count == 0)
        {
            throw Invalid($"{Where()}.samples must hold at least one sample");
        }

        var previous = int.MinValue;
        for (var s = 0; s < target.Samples.Count; s++)
        {
            var sample = target.Samples[s];
            if (sample.OffsetMs is < 0 or > MaxOffsetMs)
            {
                throw Invalid($"{Where()}.samples[{s}] offset {sample.OffsetMs} ms is outside 0-{MaxOffsetMs}");
            }

            if (previous != int.MinValue && sample.OffsetMs - previous < TargetSettings.MinIntervalMs)
            {
                throw Invalid($"{Where()}.samples[{s}] offset {sample.OffsetMs} ms is less than {TargetSettings.MinIntervalMs} ms after the previous one ({previous} ms)");
            }

            if (SampleValue.DescribeInvalid(sample.Value) is { } valueProblem)
            {
                throw Invalid($"{Where()}.samples[{s}] {valueProblem}");
            }

            previous = sample.OffsetMs;
        }

        string Where() => $"targets[{index}] ('{target.Name}')";
    }

    private static InvalidPingBatchException Invalid(string reason) => new(reason);
}
